// The plain forward pass (its WebAssembly kernel, and that against its JavaScript) against tfjs itself: the shipped nets and small nets of every
// architecture option (random weights large enough that SELU's negative branch, non-uniform attention and
// the attention scale all move the outputs), on hundreds of real window vectors, on both backends.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '../../src/core/model/tensorflow';
import { initBackend } from '../../src/core/model/backend';
import { EmotionModel } from '../../src/core/model/emotion-model';
import { buildMtADnn, forward, taskNamesOf, type Architecture } from '../../src/core/model/mt-a-dnn';
import { DEFAULT_MODEL_DIR } from '../../src/core/model/package-paths';
import { PlainForwardPass } from '../../src/core/model/plain-forward-pass';
import { standardise } from '../../src/core/model/standardiser';
import { argmax } from '../../src/core/model/argmax';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import { resolveFeatureWindowConfig } from '../../src/core/config/feature-window-config';
import { FeatureWindowRegistry } from '../../src/core/features/feature-window-registry';
import { clip16k, manifest } from '../helpers/corpus';
import { seededRandom } from '../helpers/random';

/**
 * tfjs computes in float32. The shipped net (room copies) differs from it by up to 5e-7 on the full corpus's windows and
 * by 1.0e-5 on the fixture clips of a fresh clone (fewer clips per stream: less settled normalisers, larger inputs).
 * The bound still catches a wrong constant or attention scale, which move them by far more (RANDOM_NET_TOLERANCE below).
 */
const TOLERANCE = 5e-5;
/**
 * tfjs computes in float32: with random weights the logits reach tens, and their float32 rounding moves a probability
 * by up to 6e-5 (measured on the fixture clips of a fresh clone; 7e-6 on the full corpus). A wrong SELU constant or
 * attention scale moves them by far more.
 */
const RANDOM_NET_TOLERANCE = 2e-4;
const MIN_WINDOWS = 300;

/** Window vectors of corpus clips through feature-window's defaults, per-stream normalised as the shipped model expects, then standardised. */
async function realInputs(model: EmotionModel): Promise<{ input: Float32Array; rows: number }> {
  const settings = resolveFeatureWindowConfig({});
  if (!settings.ok) throw new Error(settings.problems.join('; '));
  const vectors: Float32Array[] = [];
  for (const [i, row] of manifest().entries()) {
    if (vectors.length >= MIN_WINDOWS) break;
    const registry = new FeatureWindowRegistry(settings.config.window, settings.config.limits);
    const normaliser = model.createStreamNormaliser();
    for (const w of registry.push(`clip-${i}`, await loadAudioFileAs16kMono(clip16k(row.path)), undefined, true)) {
      let vector: ArrayLike<number> = w.vector;
      if (normaliser) {
        if (w.voiced) normaliser.update(vector);
        vector = normaliser.normalise(vector);
      }
      vectors.push(standardise(vector, model.metadata.standardisation, new Float32Array(model.vectorLength)));
    }
  }
  // The fixture corpus has fewer windows: its vectors again, scaled, give the count (still real directions).
  for (let k = 0; vectors.length < MIN_WINDOWS; k++) vectors.push(vectors[k].map((v) => v * 1.5));
  const input = new Float32Array(vectors.length * model.vectorLength);
  vectors.forEach((v, i) => input.set(v, i * model.vectorLength));
  return { input, rows: vectors.length };
}

/**
 * Random normal weights for every layer: inputs to SELU of both signs, u far from zero (non-uniform α), head
 * kernels scaled so that the logits depend on the input about as much under either attention scale.
 */
function randomiseWeights(net: tf.LayersModel, architecture: Architecture, seed: number): void {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const h = architecture.hiddenUnits;
  const shrunk = architecture.attention !== 'none' && architecture.attentionScale === 'paper';
  for (const layer of net.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    const fresh = weights.map((w) => {
      let std = 0.5; // biases
      if (layer.getClassName() === 'TaskAttention') std = 1.5;
      else if (w.shape.length === 2 && layer.name === 'shared') std = 1.5 / Math.sqrt(w.shape[0]);
      else if (w.shape.length === 2) std = (1 / Math.sqrt(h)) * (shrunk ? h : 1);
      return tf.tensor(
        Float32Array.from({ length: w.size }, () => std * normal()),
        w.shape,
      );
    });
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
}

/** Compares the plain pass with tfjs's predict (probabilities) and forward (attention) on the same input; returns the largest difference. */
function compareWithTfjs(net: tf.LayersModel, architecture: Architecture, input: Float32Array, rows: number): number {
  const plain = PlainForwardPass.fromNet(net, architecture).run(input, rows, { withAttention: true });
  const tasks = taskNamesOf(architecture);
  const { probabilities, attention } = tf.tidy(() => {
    const x = tf.tensor2d(input, [rows, architecture.inputLength]);
    const predicted = net.predict(x) as tf.Tensor2D | tf.Tensor2D[];
    const outs = Array.isArray(predicted) ? predicted : [predicted];
    const withAttention = forward(net, architecture, x, { withAttention: true });
    return {
      probabilities: outs.map((o) => o.arraySync()),
      attention: tasks.map((t) => withAttention.attention?.[t]?.arraySync()),
    };
  });
  let worst = 0;
  tasks.forEach((task, t) => {
    const classes = probabilities[t][0].length;
    for (let r = 0; r < rows; r++) {
      const expected = probabilities[t][r];
      const got = Array.from(plain.probabilities[task]!.subarray(r * classes, (r + 1) * classes));
      for (let k = 0; k < classes; k++) worst = Math.max(worst, Math.abs(got[k] - expected[k]));
      assert.equal(argmax(got), argmax(expected), `${task} row ${r}: argmax of [${got.join(', ')}] vs tfjs [${expected.join(', ')}]`);
    }
    const alpha = attention[t];
    if (architecture.attention === 'none') {
      assert.equal(plain.attention, undefined, 'no attention weights without attention layers');
      return;
    }
    const h = architecture.hiddenUnits;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < h; j++) worst = Math.max(worst, Math.abs(plain.attention![task]![r * h + j] - alpha![r][j]));
    }
  });
  return worst;
}

/**
 * The WebAssembly kernel (ForwardPassKernel) against the JavaScript of PlainForwardPass, on the same net and windows,
 * for the whole batch and for batches of 1, 5 and 16 + 1 rows (the kernel takes 16 a call): the same sums in the same
 * order, but the kernel's exp (AssemblyScript's, after musl's) and V8's (fdlibm's) round differently in the last bit
 * now and then. Largest difference measured on these nets: see the test's output.
 */
const KERNEL_TOLERANCE = 1e-14;
function assertKernelIsJavaScript(net: tf.LayersModel, architecture: Architecture, input: Float32Array, rows: number): number {
  const kernel = PlainForwardPass.fromNet(net, architecture);
  const javascript = PlainForwardPass.fromNet(net, architecture, { kernel: false });
  assert.equal(kernel.usesKernel, true, 'the kernel runs this net');
  assert.equal(javascript.usesKernel, false);
  const n = architecture.inputLength;
  let worst = 0;
  const compare = (a: Float64Array, b: Float64Array, what: string) => {
    assert.equal(a.length, b.length, what);
    for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
    assert.ok(worst <= KERNEL_TOLERANCE, `${what}: largest difference ${worst}`);
  };
  for (const batch of [rows, 1, 5, 17]) {
    for (let first = 0; first + batch <= rows && first < 40; first += batch) {
      const slice = input.subarray(first * n, (first + batch) * n);
      const a = kernel.run(slice, batch, { withAttention: true });
      const b = javascript.run(slice, batch, { withAttention: true });
      const rowsSaid = `rows ${first}..${first + batch - 1}`;
      for (const task of taskNamesOf(architecture)) {
        compare(a.probabilities[task]!, b.probabilities[task]!, `${task} probabilities, ${rowsSaid}`);
        if (architecture.attention !== 'none') compare(a.attention![task]!, b.attention![task]!, `${task} attention, ${rowsSaid}`);
      }
      // a row gives the same bits whatever shares its batch
      if (first === 0 && batch !== rows) {
        const whole = kernel.run(input, rows);
        for (const task of taskNamesOf(architecture)) {
          const alone = a.probabilities[task]!;
          assert.ok(
            alone.every((v, i) => Object.is(v, whole.probabilities[task]![i])),
            `${task}: rows 0..${batch - 1} alone and in the whole batch`,
          );
        }
      }
    }
  }
  return worst;
}

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`plain forward pass against tfjs (${backend} backend)`, () => {
    let shipped: EmotionModel;
    let inputs: { input: Float32Array; rows: number };

    before(async () => {
      await initBackend();
      assert.ok(await tf.setBackend(backend), `backend ${backend}`);
      await tf.ready();
      shipped = await EmotionModel.load(DEFAULT_MODEL_DIR);
      inputs = await realInputs(shipped);
    });

    test('every net of the shipped model, within 5e-5 of tfjs on hundreds of real windows', () => {
      assert.ok(inputs.rows >= MIN_WINDOWS);
      for (const [i, net] of shipped.members.entries()) {
        const worst = compareWithTfjs(net, shipped.metadata.architecture, inputs.input, inputs.rows);
        assert.ok(worst < TOLERANCE, `member ${i + 1}: largest difference ${worst}`);
        const fromJavaScript = assertKernelIsJavaScript(net, shipped.metadata.architecture, inputs.input, inputs.rows);
        console.log(`# kernel against the JavaScript: largest difference ${fromJavaScript.toExponential(2)}`);
        console.log(
          `# ${backend}: shipped member ${i + 1}, ${inputs.rows} windows: largest difference from tfjs ${worst.toExponential(2)}`,
        );
      }
    });

    const options: Omit<Architecture, 'inputLength'>[] = [];
    for (const attention of ['vector', 'scalar'] as const) {
      for (const attentionScale of ['paper', 'units'] as const) {
        for (const tasks of ['multi', 'emotion'] as const) options.push({ hiddenUnits: 32, attention, attentionScale, tasks });
      }
    }
    options.push({ hiddenUnits: 32, attention: 'none', attentionScale: 'paper', tasks: 'multi' });
    options.push({ hiddenUnits: 48, attention: 'none', attentionScale: 'units', tasks: 'emotion' });
    options.push({ hiddenUnits: 200, attention: 'vector', attentionScale: 'units', tasks: 'multi' });

    for (const [n, option] of options.entries()) {
      test(`random weights, ${option.hiddenUnits} units, attention ${option.attention} (${option.attentionScale}), tasks ${option.tasks}`, () => {
        const architecture: Architecture = { ...option, inputLength: shipped.vectorLength };
        const net = buildMtADnn(architecture, 100 + n);
        randomiseWeights(net, architecture, 200 + n);
        const worst = compareWithTfjs(net, architecture, inputs.input, inputs.rows);
        assert.ok(worst < RANDOM_NET_TOLERANCE, `largest difference ${worst}`);
        const fromJavaScript = assertKernelIsJavaScript(net, architecture, inputs.input, inputs.rows);
        console.log(`# kernel against the JavaScript: largest difference ${fromJavaScript.toExponential(2)}`);
        console.log(`# ${backend}: largest difference from tfjs ${worst.toExponential(2)}`);
        // Guards the guard: with these weights the windows get different probabilities, not one for all.
        const emotion = PlainForwardPass.fromNet(net, architecture).run(inputs.input, inputs.rows).probabilities.emotion!;
        const spread = [0, 1, 2, 3].map((k) => {
          const column = emotion.filter((_, i) => i % 4 === k);
          return Math.max(...column) - Math.min(...column);
        });
        assert.ok(Math.max(...spread) > 0.3, `probabilities vary by at most ${Math.max(...spread)} between windows`);
        net.dispose();
      });
    }

    test('EmotionModel.predict: tfjs-close for the 5-net mean, and a window gives the same numbers whatever shares its batch', () => {
      const { input, rows } = inputs;
      const n = shipped.vectorLength;
      // predict standardises itself: give it vectors that standardise back to the inputs.
      const { mean, std } = shipped.metadata.standardisation;
      const raw = Array.from({ length: rows }, (_, r) => Array.from(input.subarray(r * n, (r + 1) * n), (v, i) => v * std[i] + mean[i]));
      const together = shipped.predict(raw);
      const alone = raw.slice(0, 20).map((v) => shipped.predict([v])[0]);
      alone.forEach((a, r) => assert.deepEqual(a, together[r]));
      const expected = tf.tidy(() => {
        const x = tf.tensor2d(raw.slice(0, 64).map((v) => Array.from(standardise(v, shipped.metadata.standardisation))));
        const each = shipped.members.map((net) => (net.predict(x) as tf.Tensor2D[])[0]);
        return tf.div(tf.addN(each), each.length).arraySync() as number[][];
      });
      expected.forEach((probs, r) => {
        const got = Object.values(together[r].probabilities);
        probs.forEach((p, k) => assert.ok(Math.abs(got[k] - p) < TOLERANCE, `row ${r} class ${k}: ${got[k]} vs tfjs ${p}`));
      });
    });

    test('building the pass and predicting keep no tensor', () => {
      const before = tf.memory().numTensors;
      const architecture = shipped.metadata.architecture;
      for (const net of shipped.members)
        PlainForwardPass.fromNet(net, architecture).run(inputs.input, inputs.rows, { withAttention: true });
      shipped.predict([Array.from(shipped.metadata.standardisation.mean)], { attention: true });
      assert.equal(tf.memory().numTensors, before);
    });

    test('the shipped model is disposed with every tensor it held', () => {
      const held = shipped.members.reduce((sum, net) => sum + net.weights.length, 0);
      const before = tf.memory().numTensors;
      shipped.dispose();
      assert.equal(tf.memory().numTensors, before - held);
    });
  });
}
