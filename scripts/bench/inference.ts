// Windows per CPU second through the shipped model, one window per model call and in batches, as
// mt-a-dnn-infer runs it (the compiled package, the backend it picks).
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface InferenceResult {
  backend: string;
  /** windows per CPU second of this process, one window per call */
  single: { windowsPerCpuSecond: number; cpuMsPerWindow: number };
  /** the same in batches of `batch` windows per call (as windows from many streams arrive together) */
  batched: { batch: number; windowsPerCpuSecond: number; cpuMsPerWindow: number };
}

function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** modelDir: '' = the shipped model. */
export async function runInference(vectors: number[][], cpuSecondsEach: number, batch = 64, modelDir = ''): Promise<InferenceResult> {
  const dist = join(__dirname, '..', '..', 'dist', 'core', 'model', 'index.js');
  if (!existsSync(dist)) throw new Error(`${dist} is missing: run npm run build first`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled package, as Node-RED loads it
  const model = require(dist) as typeof import('../../src/core/model');
  const backend = await model.initBackend();
  const lease = model.acquireModel(modelDir);
  const emotionModel = await lease.model;
  try {
    const rate = (size: number) => {
      const calls: number[][][] = [];
      for (let i = 0; i < vectors.length; i += size) calls.push(vectors.slice(i, i + size));
      const full = calls.filter((c) => c.length === size);
      emotionModel.predict(full[0]); // warm-up: first call compiles kernels
      let windows = 0;
      const t0 = cpuSeconds();
      while (cpuSeconds() - t0 < cpuSecondsEach) {
        for (const call of full) {
          emotionModel.predict(call);
          windows += call.length;
        }
      }
      const perSecond = windows / (cpuSeconds() - t0);
      return { windowsPerCpuSecond: Math.round(perSecond), cpuMsPerWindow: Number((1000 / perSecond).toFixed(3)) };
    };
    return { backend, single: rate(1), batched: { batch, ...rate(batch) } };
  } finally {
    lease.release();
  }
}
