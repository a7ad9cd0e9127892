// Why the flow's per-clip decision ("last window") parts from the clip-vector figure (issue 10, target "within 3 points";
// docs/evaluation.md "Flow-level accuracy"): reads the clips and windows written by
// `scripts/evaluate-flow-level.ts --clips-out FILE` and prints, per clip, where its speech lies against its windows.
// Usage: node --import tsx scripts/analyse-flow-clip-gap.ts FILE-corpus.json [...]
import { readFileSync } from 'node:fs';
import { loadAudioFileAs16kMono } from '../src/core/audio/load-audio-file';
import { speechSpan } from '../src/core/features/front-end/speech-trimming';
import { SAMPLE_RATE } from '../src/core/features/pyaudioanalysis-constants';
import { DEFAULT_FEATURE_WINDOW_OPTIONS } from '../src/core/features/feature-window-stream';
import type { WindowOutcome } from '../src/core/training/flow-level-evaluation';

/** A window as --clips-out writes it: the replay's outcome without its clip and truth, which the clip holds. */
type WindowRecord = Omit<WindowOutcome, 'clip' | 'truth'>;

interface ClipRecord {
  clip: number;
  truth: number;
  speaker: string;
  seconds: number;
  path: string;
  clipVectorPredicted: number;
  routed: Record<string, string | null>;
  windows: WindowRecord[];
}

interface ClipAnalysis {
  record: ClipRecord;
  /** share of the clip's speech stretch (the training clips' trimming rule) inside its last window */
  lastCoverage: number;
  /** the same for the clip's first window */
  firstCoverage: number;
  /** the same for a full-length window ending at the clip's end (the clip's last windowSeconds) */
  endAlignedCoverage: number;
  speechSeconds: number;
  clipVectorRight: boolean;
  lastWindowRight: boolean;
}

const hop = DEFAULT_FEATURE_WINDOW_OPTIONS.hopSeconds;
const windowSeconds = DEFAULT_FEATURE_WINDOW_OPTIONS.windowSeconds;

/**
 * The clip's windows restart at its start (each file ends its stream): window k covers [k hop, k hop + its length), but
 * the last one flushed at the clip's end (partial) ends there (end-aligned, or on the hop grid in records before it was).
 */
function coverage(span: { start: number; end: number }, k: number, w: WindowRecord, clipSeconds: number): number {
  return w.partial ? spanCoverage(span, clipSeconds - w.seconds, clipSeconds) : spanCoverage(span, k * hop, k * hop + w.seconds);
}

function spanCoverage(span: { start: number; end: number }, fromSeconds: number, toSeconds: number): number {
  const from = Math.max(0, fromSeconds) * SAMPLE_RATE;
  const to = toSeconds * SAMPLE_RATE;
  const inside = Math.max(0, Math.min(to, span.end) - Math.max(from, span.start));
  return span.end > span.start ? inside / (span.end - span.start) : 0;
}

async function analyse(file: string) {
  const { corpus, emotions, clips } = JSON.parse(readFileSync(file, 'utf8')) as { corpus: string; emotions: string[]; clips: ClipRecord[] };
  const rows: ClipAnalysis[] = [];
  for (const record of clips) {
    const span = speechSpan(await loadAudioFileAs16kMono(record.path));
    const n = record.windows.length;
    rows.push({
      record,
      lastCoverage: n ? coverage(span, n - 1, record.windows[n - 1], record.seconds) : 0,
      firstCoverage: n ? coverage(span, 0, record.windows[0], record.seconds) : 0,
      endAlignedCoverage: spanCoverage(span, record.seconds - windowSeconds, record.seconds),
      speechSeconds: (span.end - span.start) / SAMPLE_RATE,
      clipVectorRight: record.clipVectorPredicted === record.truth,
      lastWindowRight: record.routed['last window'] === emotions[record.truth],
    });
  }
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : '–');
  const lines: string[] = [`## ${corpus} (${file}): ${rows.length} clips`, ''];
  const gapOf = (subset: ClipAnalysis[]) => {
    const cvOnly = subset.filter((r) => r.clipVectorRight && !r.lastWindowRight).length;
    const lwOnly = subset.filter((r) => !r.clipVectorRight && r.lastWindowRight).length;
    const cv = subset.filter((r) => r.clipVectorRight).length;
    const lw = subset.filter((r) => r.lastWindowRight).length;
    return `| ${subset.length} | ${pct(cv, subset.length)} | ${pct(lw, subset.length)} | ${cvOnly} | ${lwOnly} | ${((100 * (cvOnly - lwOnly)) / rows.length).toFixed(1)} |`;
  };
  lines.push(
    '| clips | n | clip vector right % | last window right % | clip vector only right | last window only right | share of the whole gap, points |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  );
  const groups: [string, (r: ClipAnalysis) => boolean][] = [
    ['all', () => true],
    ['one window', (r) => r.record.windows.length === 1],
    ['two or more windows', (r) => r.record.windows.length >= 2],
    ['last window partial', (r) => r.record.windows.at(-1)?.partial === true],
    ['last window full', (r) => r.record.windows.at(-1)?.partial === false],
    ['last window holds ≥ 95% of the clip speech', (r) => r.record.windows.length > 0 && r.lastCoverage >= 0.95],
    ['last window holds < 95% of the clip speech', (r) => r.record.windows.length > 0 && r.lastCoverage < 0.95],
    ['  of which the first window holds ≥ 95%', (r) => r.record.windows.length > 1 && r.lastCoverage < 0.95 && r.firstCoverage >= 0.95],
    ['  of which the first window holds < 95%', (r) => r.record.windows.length > 1 && r.lastCoverage < 0.95 && r.firstCoverage < 0.95],
    [
      '  of which a window ending at the clip end would hold ≥ 95%',
      (r) => r.record.windows.length > 0 && r.lastCoverage < 0.95 && r.endAlignedCoverage >= 0.95,
    ],
    ['last window holds < 80% of the clip speech', (r) => r.record.windows.length > 0 && r.lastCoverage < 0.8],
    ['clip speech longer than a window', (r) => r.speechSeconds > windowSeconds],
    [
      'last window unvoiced (decision from an earlier window or clip)',
      (r) => r.record.windows.length > 0 && !r.record.windows.at(-1)!.voiced,
    ],
    ['no window', (r) => r.record.windows.length === 0],
  ];
  for (const [name, keep] of groups) {
    const subset = rows.filter(keep);
    if (subset.length) lines.push(`| ${name} ${gapOf(subset)}`);
  }
  const withWindows = rows.filter((r) => r.record.windows.length > 0);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const windowsPerClip = new Map<number, number>();
  for (const r of rows) windowsPerClip.set(r.record.windows.length, (windowsPerClip.get(r.record.windows.length) ?? 0) + 1);
  lines.push(
    '',
    `Clip seconds mean ${mean(rows.map((r) => r.record.seconds)).toFixed(2)}, speech stretch mean ${mean(rows.map((r) => r.speechSeconds)).toFixed(2)} s; ` +
      `windows per clip: ${[...windowsPerClip.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ')}; ` +
      `share of the clip speech in the last window: mean ${(100 * mean(withWindows.map((r) => r.lastCoverage))).toFixed(1)}%, in the first ${(100 * mean(withWindows.map((r) => r.firstCoverage))).toFixed(1)}%, ` +
      `in a 3 s window ending at the clip's end ${(100 * mean(withWindows.map((r) => r.endAlignedCoverage))).toFixed(1)}%.`,
  );
  // Other clip decisions from the same windows: which window would have matched the clip vector?
  const decide = (name: string, pick: (ws: WindowRecord[], r: ClipAnalysis) => WindowRecord | undefined) => {
    const right = rows.filter((r) => {
      const w = pick(
        r.record.windows.filter((x) => x.voiced),
        r,
      );
      return w !== undefined && w.predicted === r.record.truth;
    }).length;
    lines.push(`- ${name}: ${pct(right, rows.length)}% of all clips right`);
  };
  lines.push(
    '',
    'Clip decisions from the clip’s own voiced windows (accuracy over every clip; a clip without a voiced window counts as wrong):',
    '',
  );
  decide('its last voiced window', (ws) => ws.at(-1));
  decide('its first voiced window', (ws) => ws[0]);
  decide('its window with the longest speech stretch (first of equals)', (ws) =>
    ws.reduce<WindowRecord | undefined>(
      (best, w) => (best === undefined || (w.speechSeconds ?? w.seconds) > (best.speechSeconds ?? best.seconds) ? w : best),
      undefined,
    ),
  );
  decide('its most confident window', (ws) =>
    ws.reduce<WindowRecord | undefined>((best, w) => (best === undefined || w.confidence! > best.confidence! ? w : best), undefined),
  );
  lines.push(`- clip vector: ${pct(rows.filter((r) => r.clipVectorRight).length, rows.length)}%`);
  console.log(lines.join('\n') + '\n');
}

async function main() {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new Error('usage: analyse-flow-clip-gap.ts CLIPS.json ...');
  for (const file of files) await analyse(file);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
