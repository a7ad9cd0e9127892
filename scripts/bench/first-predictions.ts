/**
 * What a process's first predictions cost, with and without EmotionModel.warmUp (which every shared model gets when
 * loaded): the shipped model, one window per call as mt-a-dnn-infer runs lone windows, in a fresh process per run
 * (JIT state is per process), CPU µs per prediction of each successive 100, and the warm-up's own CPU ms.
 * Compiled code (dist/).
 *
 * Usage: npm run build && npx tsx scripts/bench/first-predictions.ts [--runs 2] [--predictions 1000]
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds } from './cpu-time';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2' },
    predictions: { type: 'string', default: '1000' },
    child: { type: 'string' },
  },
});

async function child(warm: boolean, predictions: number): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled package, as Node-RED loads it
  const { EmotionModel } = require(
    join(__dirname, '..', '..', 'dist', 'core', 'model', 'emotion-model.js'),
  ) as typeof import('../../src/core/model/emotion-model');
  const model = await EmotionModel.load(join(__dirname, '..', '..', 'models', 'default'));
  let warmUpMs: number | undefined;
  if (warm) {
    const start = cpuSeconds();
    model.warmUp();
    warmUpMs = Math.round((cpuSeconds() - start) * 1000);
  }
  // windows unlike the warm-up's: the training mean plus noise from another generator
  const { mean, std } = model.metadata.standardisation;
  let seed = 3;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
  const perHundred: number[] = [];
  for (let done = 0; done < predictions; done += 100) {
    const vectors = Array.from({ length: 100 }, () => mean.map((m, i) => m + noise() * std[i]));
    const start = cpuSeconds();
    for (const v of vectors) model.predict([v]);
    perHundred.push(Math.round(((cpuSeconds() - start) * 1e6) / 100));
  }
  console.log(JSON.stringify({ warmUpMs, perHundred }));
}

async function main() {
  const predictions = Number(values.predictions);
  if (values.child) return child(values.child === 'warm', predictions);
  console.log('CPU µs per prediction, each 100 in turn, fresh process per run');
  console.log('| run | warm-up | warm-up CPU ms | first 100 | then |');
  console.log('| --- | --- | --- | --- | --- |');
  for (let run = 1; run <= Number(values.runs); run++) {
    for (const kind of ['cold', 'warm']) {
      const out = execFileSync(process.execPath, ['--import', 'tsx', __filename, '--child', kind, '--predictions', String(predictions)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const { warmUpMs, perHundred } = JSON.parse(out.trim().split('\n').pop() as string) as { warmUpMs?: number; perHundred: number[] };
      const [first, ...rest] = perHundred;
      console.log(`| ${run} | ${kind === 'warm' ? 'yes' : 'no'} | ${warmUpMs ?? '–'} | ${first} | ${rest.join(', ')} |`);
    }
  }
}

void main();
