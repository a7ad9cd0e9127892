// Windows per CPU second through the shipped model, one window per model call and in batches, as
// mt-a-dnn-infer runs it (the compiled package, the backend it picks).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cpuSeconds } from './cpu-time';

export interface InferenceResult {
  backend: string;
  /** windows per CPU second of this process, one window per call */
  single: { windowsPerCpuSecond: number; cpuMsPerWindow: number };
  /** the same in batches of `batch` windows per call (as windows from many streams arrive together) */
  batched: { batch: number; windowsPerCpuSecond: number; cpuMsPerWindow: number };
  /** The forward pass alone (standardised input to probabilities), tfjs against plain JavaScript, side by side. */
  forwardPass: ForwardPassCost[];
}

/** CPU microseconds per window of one forward pass of `batch` windows through `nets` nets (probabilities averaged). */
export interface ForwardPassCost {
  batch: number;
  nets: number;
  tfjsCpuUsPerWindow: number;
  plainCpuUsPerWindow: number;
}

export const FORWARD_PASS_BATCHES = [1, 4, 16, 64];

/** The compiled modules the comparison needs beside the package's index (the same files mt-a-dnn-infer loads). */
interface ModelInternals {
  tf: typeof import('../../src/core/model/tensorflow');
  forward: typeof import('../../src/core/model/mt-a-dnn').forward;
  taskNamesOf: typeof import('../../src/core/model/mt-a-dnn').taskNamesOf;
  standardise: typeof import('../../src/core/model/standardiser').standardise;
  PlainForwardPass: typeof import('../../src/core/model/plain-forward-pass').PlainForwardPass;
}

function modelInternals(distModelDir: string): ModelInternals {
  /* eslint-disable @typescript-eslint/no-require-imports -- the compiled files, as Node-RED loads them */
  const tf = require(join(distModelDir, 'tensorflow.js')) as ModelInternals['tf'];
  const { forward, taskNamesOf } = require(join(distModelDir, 'mt-a-dnn.js')) as typeof import('../../src/core/model/mt-a-dnn');
  const { standardise } = require(join(distModelDir, 'standardiser.js')) as typeof import('../../src/core/model/standardiser');
  const { PlainForwardPass } = require(
    join(distModelDir, 'plain-forward-pass.js'),
  ) as typeof import('../../src/core/model/plain-forward-pass');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return { tf, forward, taskNamesOf, standardise, PlainForwardPass };
}

type EmotionModel = import('../../src/core/model').EmotionModel;

/**
 * The forward pass as EmotionModel.predict ran it through tfjs (tensor in, each net layer by layer, mean,
 * arraySync) against the plain-JavaScript pass it runs now, on the same standardised windows: the first net
 * alone and all the model's nets, interleaved so that both see the same machine load.
 */
function compareForwardPasses(
  model: ModelInternals,
  emotionModel: EmotionModel,
  vectors: number[][],
  cpuSecondsEach: number,
): ForwardPassCost[] {
  const tf = model.tf;
  const architecture = emotionModel.metadata.architecture;
  const n = emotionModel.vectorLength;
  const tasks = model.taskNamesOf(architecture);
  const standardised = vectors.map((v) => model.standardise(v, emotionModel.metadata.standardisation));
  const netCounts = [...new Set([1, emotionModel.members.length])];
  const costs: ForwardPassCost[] = [];
  for (const nets of netCounts) {
    const members = emotionModel.members.slice(0, nets);
    const passes = members.map((net) => model.PlainForwardPass.fromNet(net, architecture));
    for (const batch of FORWARD_PASS_BATCHES) {
      const calls: Float32Array[] = [];
      for (let i = 0; i + batch <= standardised.length; i += batch) {
        const flat = new Float32Array(batch * n);
        for (let r = 0; r < batch; r++) flat.set(standardised[i + r], r * n);
        calls.push(flat);
      }
      const viaTfjs = (flat: Float32Array) =>
        tf.tidy(() => {
          const input = tf.tensor2d(flat, [batch, n]);
          const outs = members.map((net) => model.forward(net, architecture, input));
          for (const task of tasks) {
            const each = outs.map((out) => out.probabilities[task]!);
            (each.length === 1 ? each[0] : tf.div(tf.addN(each), each.length)).arraySync();
          }
        });
      const viaPlain = (flat: Float32Array) => {
        const outs = passes.map((pass) => pass.run(flat, batch));
        for (const task of tasks) {
          const mean = outs[0].probabilities[task]!;
          for (const out of outs.slice(1)) {
            const each = out.probabilities[task]!;
            for (let k = 0; k < mean.length; k++) mean[k] += each[k];
          }
          for (let k = 0; k < mean.length; k++) mean[k] /= outs.length;
        }
      };
      const tfjsUs: number[] = [];
      const plainUs: number[] = [];
      for (let round = 0; round < 4; round++) {
        tfjsUs.push(cpuMicrosecondsPerWindow(viaTfjs, calls, batch, cpuSecondsEach / 4));
        plainUs.push(cpuMicrosecondsPerWindow(viaPlain, calls, batch, cpuSecondsEach / 4));
      }
      costs.push({ batch, nets, tfjsCpuUsPerWindow: median(tfjsUs), plainCpuUsPerWindow: median(plainUs) });
    }
  }
  return costs;
}

function cpuMicrosecondsPerWindow(run: (flat: Float32Array) => void, calls: Float32Array[], batch: number, cpuSeconds_: number): number {
  run(calls[0]); // warm-up
  let windows = 0;
  const t0 = cpuSeconds();
  while (cpuSeconds() - t0 < cpuSeconds_) {
    for (const call of calls) {
      run(call);
      windows += batch;
    }
  }
  return Number(((1e6 * (cpuSeconds() - t0)) / windows).toFixed(1));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
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
    const forwardPass = compareForwardPasses(modelInternals(dirname(dist)), emotionModel, vectors, cpuSecondsEach / 4);
    return { backend, single: rate(1), batched: { batch, ...rate(batch) }, forwardPass };
  } finally {
    lease.release();
  }
}
