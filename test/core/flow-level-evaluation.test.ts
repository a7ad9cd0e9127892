// Flow-level replay on real RAVDESS clips of the test subset with the shipped model, plus a silent clip and
// a clip too short for any window: every clip and window is accounted for, none hidden.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES_DIR } from '../helpers/corpus';
import { initBackend } from '../../src/core/model/backend';
import { EmotionModel } from '../../src/core/model/emotion-model';
import { DEFAULT_MODEL_DIR } from '../../src/core/model/package-paths';
import { readManifest } from '../../src/core/training/corpus-manifest';
import { flowLevelReport, replayThroughFlow } from '../../src/core/training/flow-level-evaluation';

test('clips played through the flow path: windows per clip, unvoiced and short clips counted, router decision per clip', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'speech-emotion-flow-level-'));
  await initBackend();
  const model = await EmotionModel.load(DEFAULT_MODEL_DIR);
  try {
    const { entries } = await readManifest(join(FIXTURES_DIR, 'ravdess-subset', 'manifest.csv'));
    const silence = join(dir, 'silence.wav');
    execFileSync('sox', ['-n', '-r', '16000', '-c', '1', '-b', '16', silence, 'trim', '0', '2']);
    const short = join(dir, 'short.wav');
    execFileSync('sox', [entries[0].path, short, 'trim', '1', '0.5']);
    // a stream of its own, which never gets a voiced window
    const clips = [...entries, { ...entries[0], path: silence, speaker: 'quiet' }, { ...entries[0], path: short, speaker: 'quiet' }];

    const replay = await replayThroughFlow(model, clips);
    assert.equal(replay.clips.length, clips.length);
    const bySpeaker = new Map<string, number>();
    for (const c of replay.clips) {
      bySpeaker.set(c.speaker, (bySpeaker.get(c.speaker) ?? 0) + 1);
      // 3 s windows every 1 s, then (unless the clip ends where a window does) its last 3 s; a clip of 1-3 s, one window of all of it
      const fullWindows = Math.floor(c.seconds - 3) + 1;
      const expected = c.seconds < 1 ? 0 : c.seconds < 3 ? 1 : fullWindows + (fullWindows + 2 === c.seconds ? 0 : 1);
      assert.equal(c.windows, expected, `${clips[c.clip].path}: ${c.seconds} s`);
      const last = replay.windows.filter((w) => w.clip === c.clip).at(-1);
      if (c.seconds >= 1) {
        assert.equal(last?.partial, true, 'RAVDESS clips are not whole seconds long: each ends with a window flushed at its end');
        // at least a window long: its last 3 s, from the first 10 ms frame in them; else all of it
        if (c.seconds >= 3) assert.ok(last.seconds > 3 - 0.01 && last.seconds <= 3, `${c.seconds} s clip: last window ${last.seconds} s`);
        else assert.equal(last.seconds, c.seconds);
      }
    }
    assert.equal(
      replay.windows.length,
      replay.clips.reduce((s, c) => s + c.windows, 0),
    );
    const report = flowLevelReport(replay);
    assert.equal(report.clips.total, entries.length + 2);
    assert.equal(report.clips.withoutWindow, 1, 'the 0.5 s clip');
    assert.equal(report.clips.withoutVoicedWindow, 1, 'the silent clip');
    assert.equal(report.clips.shorterThanWindow, 2);
    assert.equal(report.windows.unvoiced, report.windows.total - report.windows.voiced);
    assert.ok(report.windows.unvoiced >= 1);
    assert.equal(report.windows.metrics.count, report.windows.voiced);
    // The shipped model (RAVDESS + nEMO) was trained on these actors: well above chance (25%) when labels and windows
    // line up. Measured 57% of windows, 20 of 35, with end-aligned last windows (51%, 18 of 35, with the partial ones
    // on the hop grid; docs/evaluation.md: it underfits RAVDESS; the RAVDESS-only model had 79%).
    assert.ok(report.windows.metrics.accuracy > 0.45, `window accuracy ${report.windows.metrics.accuracy}`);
    const lastWindow = report.clips.byPolicy['last window'];
    // measured 10 of 18 (8 with the partial last windows; the two quiet clips count as wrong); chance is about 22%
    assert.ok(lastWindow.metrics.accuracy > 0.35, `clip accuracy ${lastWindow.metrics.accuracy}`);
    for (const policy of Object.values(report.clips.byPolicy)) {
      assert.equal(policy.undecided, 2, 'the quiet stream never had a state');
      assert.equal(policy.metrics.count, clips.length, 'every clip scored, undecided ones as wrong');
      assert.equal(policy.metrics.confusion.reduce((s, row) => s + row[4], 0) >= 2, true, 'undecided clips are "no decision"');
    }
    assert.equal(report.windows.coverage[0].coverage, 1);
    assert.ok(report.windows.ece >= 0 && report.windows.ece <= 1);
  } finally {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
