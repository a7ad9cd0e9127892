/**
 * The plain-JavaScript forward pass (PlainForwardPass.run, what mt-a-dnn-infer runs per batch), this checkout's
 * compiled code (dist/) against another checkout's, side by side in one process over the same random standardised
 * windows of the shipped model: one window per call, warm (the same call repeated) and cold (8 MB of other memory
 * touched before each call, as the rest of a busy Node-RED thread evicts the weights between windows), CPU µs per
 * window, medians of the rounds; and whether the two give the same probabilities, bit for bit.
 *
 * Usage: npm run build && npx tsx scripts/bench/forward-pass-ab.ts --baseline DIR [--rounds 10]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds } from './cpu-time';

type ModelModule = typeof import('../../src/core/model/emotion-model');
type PassModule = typeof import('../../src/core/model/plain-forward-pass');

const { values } = parseArgs({ options: { baseline: { type: 'string' }, rounds: { type: 'string', default: '10' } } });
if (!values.baseline) throw new Error('--baseline DIR (a checkout with its dist/ built) is required');
const rounds = Number(values.rounds);
const root = join(__dirname, '..', '..');

async function passOf(dist: string) {
  /* eslint-disable @typescript-eslint/no-require-imports -- the compiled code of each checkout, as Node-RED loads it */
  const { EmotionModel } = require(join(dist, 'core', 'model', 'emotion-model.js')) as ModelModule;
  const { PlainForwardPass } = require(join(dist, 'core', 'model', 'plain-forward-pass.js')) as PassModule;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const model = await EmotionModel.load(join(root, 'models', 'default'));
  return PlainForwardPass.fromNet(model.members[0], model.metadata.architecture);
}

async function main() {
  const builds = [
    { name: 'baseline', pass: await passOf(join(values.baseline!, 'dist')) },
    { name: 'this checkout', pass: await passOf(join(root, 'dist')) },
  ];
  let seed = 1;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 3;
  const windows = Array.from({ length: 8 }, () => Float32Array.from({ length: 68 }, random));
  const other = new Float64Array(1 << 20);
  const evict = () => {
    for (let i = 0; i < other.length; i += 8) other[i] += 1;
  };
  const perWindow: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const { name, pass } of builds) {
      for (const cold of [false, true]) {
        let us = 0;
        let calls = 0;
        for (let rep = 0; rep < 20; rep++) {
          for (const input of windows) {
            if (cold) evict();
            const start = cpuSeconds();
            for (let k = 0; k < (cold ? 1 : 10); k++) pass.run(input, 1);
            us += (cpuSeconds() - start) * 1e6;
            calls += cold ? 1 : 10;
          }
        }
        (perWindow[`${name}, ${cold ? 'cold' : 'warm'}`] ??= []).push(us / calls);
      }
    }
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  for (const [key, v] of Object.entries(perWindow)) console.log(`${key}: ${median(v).toFixed(1)} CPU µs per window (median of ${rounds})`);
  const same = windows.every((input) => {
    const a = builds[0].pass.run(input, 1).probabilities;
    const b = builds[1].pass.run(input, 1).probabilities;
    return Object.keys(a).every((task) => a[task as keyof typeof a]!.every((v, i) => Object.is(v, b[task as keyof typeof b]![i])));
  });
  console.log(`same probabilities, bit for bit: ${same}`);
}

void main();
