/**
 * pyAudioAnalysis itself, run by python3 on the same 16-bit audio as the Node bench, for the side-by-side
 * comparison in CPU time (scripts/bench/pyaudioanalysis-features.py does the Python side).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PyAudioAnalysisTimes {
  python: string;
  numpy: string;
  scipy: string;
  commit: string | undefined;
  audioSeconds: number;
  windows: number;
  /** CPU seconds of feature_extraction over every clip once */
  wholeCpuSeconds: number;
  /** CPU seconds of feature_extraction over each window of the clips played back to back */
  windowsCpuSeconds: number;
  /** the first clip's 34 x frames short-term features */
  firstClip: number[][];
}

export function measurePyAudioAnalysis(
  toolkitDir: string,
  clips: Int16Array[],
  windowSeconds: number,
  hopSeconds: number,
): PyAudioAnalysisTimes {
  const dir = mkdtempSync(join(tmpdir(), 'pyaudioanalysis-bench-'));
  try {
    const audio = new Int16Array(clips.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of clips) {
      audio.set(c, offset);
      offset += c.length;
    }
    // Int16Array is little-endian on every platform Node runs on here (x86-64, arm64)
    writeFileSync(join(dir, 'audio.raw'), new Uint8Array(audio.buffer, audio.byteOffset, audio.byteLength));
    writeFileSync(join(dir, 'lengths.json'), JSON.stringify(clips.map((c) => c.length)));
    const script = join(__dirname, 'pyaudioanalysis-features.py');
    const run = spawnSync(
      'python3',
      [script, toolkitDir, join(dir, 'audio.raw'), join(dir, 'lengths.json'), String(windowSeconds), String(hopSeconds)],
      // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, set on some machines for old OpenBLAS builds, slow a current numpy
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: withoutOpenBlasOverrides(process.env) },
    );
    if (run.error) throw new Error(`python3 could not be started: ${run.error.message}`);
    if (run.status !== 0) throw new Error(`pyAudioAnalysis run failed (exit ${String(run.status)}):\n${run.stderr}`);
    const commit = spawnSync('git', ['-C', toolkitDir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
    const result = JSON.parse(run.stdout) as Omit<PyAudioAnalysisTimes, 'commit'>;
    return { ...result, commit: commit.status === 0 ? commit.stdout.trim() : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function withoutOpenBlasOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const rest = { ...env };
  delete rest.OPENBLAS_CORETYPE;
  delete rest.OPENBLAS_L2_SIZE;
  return rest;
}

/** Largest difference between two 34 x frames matrices, relative to each feature's largest magnitude. */
export function largestRelativeDifference(toolkit: number[][], ours: Float64Array): number {
  const frames = toolkit[0].length;
  if (ours.length !== toolkit.length * frames) throw new Error(`${ours.length} values against ${toolkit.length} x ${frames}`);
  let worst = 0;
  toolkit.forEach((row, i) => {
    const scale = row.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
    row.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - ours[i * frames + j]) / scale)));
  });
  return worst;
}
