import { join } from 'node:path';
import { clip16k, manifest, originalClip } from './corpus';
import { randomInt } from './random';
import { readBytes, sox, tempDir } from './sox';

/** Real WAV files of several layouts (first 8 KiB each) to mutate. */
export function wavSeeds(): Buffer[] {
  const dir = tempDir('fuzz-seeds');
  const source = originalClip(0);
  const layouts: string[][] = [
    ['-e', 'floating-point', '-b', '32'],
    ['-e', 'signed-integer', '-b', '24', '-c', '1'],
    ['-e', 'unsigned-integer', '-b', '8', '-c', '1'],
    ['-b', '24', '-r', '44100', 'REMIX'],
  ];
  const seeds = [readBytes(clip16k(manifest()[0].path)), readBytes(source)];
  layouts.forEach((layout, i) => {
    const out = join(dir, `seed${i}.wav`);
    const remix = layout.includes('REMIX');
    sox([source, ...layout.filter((a) => a !== 'REMIX'), out, ...(remix ? ['remix', '1', '2', '1', '2', '1', '2'] : [])]);
    seeds.push(readBytes(out));
  });
  return seeds.map((s) => Buffer.from(s.subarray(0, 8192)));
}

/** One fuzz input: a mutated real WAV, random bytes (some dressed as RIFF/WAVE), or a truncation. */
export function fuzzInput(random: () => number, seeds: Buffer[]): Buffer {
  const kind = randomInt(random, 5);
  if (kind === 0) {
    const bytes = Buffer.alloc(randomInt(random, 2048));
    for (let i = 0; i < bytes.length; i++) bytes[i] = randomInt(random, 256);
    if (random() < 0.5 && bytes.length >= 12) {
      bytes.write('RIFF', 0, 'latin1');
      bytes.write('WAVE', 8, 'latin1');
    }
    return bytes;
  }
  const seed = seeds[randomInt(random, seeds.length)];
  const bytes = Buffer.from(seed.subarray(0, kind === 1 ? randomInt(random, seed.length) : seed.length));
  const mutations = 1 + randomInt(random, 8);
  for (let m = 0; m < mutations && bytes.length > 0; m++) {
    const at = randomInt(random, Math.min(bytes.length, kind === 4 ? bytes.length : 80));
    if (kind === 2 && at + 4 <= bytes.length) bytes.writeUInt32LE(randomInt(random, 2 ** 32), at - (at % 4));
    else bytes[at] = randomInt(random, 256);
  }
  return bytes;
}
