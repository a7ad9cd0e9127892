import { signalToErrorDb } from '../../src/core/audio/signal-to-error';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs the real sox with an argument array; throws with its stderr if it fails. */
export function sox(args: string[]): Buffer {
  return execFileSync('sox', args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** What sox itself reads from a file, as interleaved float32 samples. */
export function soxFloatSamples(file: string): Float32Array {
  const raw = sox([file, '-t', 'f32', '-e', 'floating-point', '-b', '32', '-']);
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

export function readBytes(file: string): Buffer {
  return readFileSync(file);
}

/** Relative error of `actual` against `reference` in dB: 10 log10(sum (a-r)^2 / sum r^2). */
export function errorDb(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  return -signalToErrorDb(reference, actual);
}
