import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../../src/core/model/tensorflow';
import { initBackend } from '../../src/core/model/backend';
import { classificationMetrics } from '../../src/core/training/classification-metrics';
import { EmotionModel } from '../../src/core/model/emotion-model';
import { EmotionStreamClassifier } from '../../src/core/model/emotion-stream-classifier';
import { InferenceBatcher } from '../../src/core/model/inference-batcher';
import { RunningNormaliser } from '../../src/core/model/running-normaliser';
import { holdOutSpeakers, speakerFolds } from '../../src/core/training/speaker-folds';
import { TaskAttention } from '../../src/core/model/task-attention-layer';
import { trainMtADnn } from '../../src/core/training/train-mt-a-dnn';
import { DEFAULT_TRAINING_OPTIONS, mergeTrainingOptions } from '../../src/core/training/training-options';
import { DEFAULT_MODEL_DIR } from '../../src/core/model/package-paths';
import { EMOTIONS } from '../../src/core/messages';
import { goldenNetMetadata, goldenRavdessVectors } from './model-fixtures';
import { goldenCases } from '../helpers/corpus';

const tiny = mergeTrainingOptions(DEFAULT_TRAINING_OPTIONS, { maxEpochs: 4, patience: 0, validationShare: 0, seed: 7 });

async function tinyModel(options = tiny): Promise<EmotionModel> {
  const data = goldenRavdessVectors();
  const net = await trainMtADnn(data, options);
  const metadata = goldenNetMetadata(net, options);
  return new EmotionModel(net.model, metadata);
}

before(async () => {
  await initBackend();
});

describe('MT-A-DNN model', () => {
  test('the TaskAttention layer is registered for deserialisation', () => {
    const map = tf.serialization.SerializationMap.getMap().classNameMap;
    assert.ok(map.TaskAttention, 'TaskAttention is in the tfjs serialization map');
    assert.equal(map.TaskAttention[0], TaskAttention);
  });

  test('attention weights are a softmax over the 128 shared units', async () => {
    const model = await tinyModel();
    const data = goldenRavdessVectors();
    const [out] = model.predict([data.vectors[0]], { attention: true });
    for (const task of ['emotion', 'valence', 'activation'] as const) {
      const alpha = out.attention![task];
      assert.equal(alpha.length, 128);
      assert.ok(Math.abs(alpha.reduce((a, b) => a + b, 0) - 1) < 1e-4, `${task} α sums to 1`);
    }
    const sum = Object.values(out.probabilities).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-5);
    model.dispose();
  });

  test('save and load round trip gives the same predictions and metadata', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mt-a-dnn-'));
    try {
      const model = await tinyModel();
      await model.save(dir);
      const loaded = await EmotionModel.load(dir);
      const data = goldenRavdessVectors();
      const a = model.predict(data.vectors, { attention: true });
      const b = loaded.predict(data.vectors, { attention: true });
      assert.deepEqual(b, a);
      assert.deepEqual(loaded.metadata, JSON.parse(JSON.stringify(model.metadata)));
      model.dispose();
      loaded.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('training is repeatable for a seed and differs for another seed', async () => {
    const data = goldenRavdessVectors();
    const weightsOf = async (seed: number) => {
      const net = await trainMtADnn(data, { ...tiny, seed });
      const values = net.model.getWeights().map((w) => Array.from(w.dataSync()));
      net.model.dispose();
      return values;
    };
    const first = await weightsOf(3);
    assert.deepEqual(await weightsOf(3), first);
    assert.notDeepEqual(await weightsOf(4), first);
  });

  test('a vector of the wrong length or profile is rejected with both sides named', async () => {
    const model = await tinyModel();
    assert.throws(() => model.checkInput(new Array(34).fill(0)), /34 values.*expects 68.*"paper"/);
    assert.throws(() => model.checkInput(new Array(68).fill(0), 'extended'), /"extended".*"paper"/);
    assert.throws(() => model.checkInput([...new Array(67).fill(0), NaN]), /not a finite number/);
    model.dispose();
  });
});

describe('evaluation building blocks', () => {
  test('speaker folds never put a speaker in two folds and cover every example', () => {
    const speakers = Array.from({ length: 240 }, (_, i) => `actor_${i % 24}`);
    const folds = speakerFolds(speakers, 6, 1);
    assert.equal(folds.length, 6);
    assert.deepEqual(
      folds.flat().sort((a, b) => a - b),
      speakers.map((_, i) => i),
    );
    const seen = new Map<string, number>();
    folds.forEach((fold, f) => {
      for (const i of fold) {
        assert.ok(!seen.has(speakers[i]) || seen.get(speakers[i]) === f, `${speakers[i]} is in one fold only`);
        seen.set(speakers[i], f);
      }
      assert.equal(new Set(fold.map((i) => speakers[i])).size, 4);
    });
    assert.deepEqual(speakerFolds(speakers, 6, 1), folds, 'same seed, same folds');
    assert.equal(holdOutSpeakers(speakers, 0.15, 1).size, 4);
  });

  test('metrics: accuracy, unweighted average recall and row-percent confusion', () => {
    const truth = [0, 0, 0, 0, 1, 1, 2, 3];
    const predicted = [0, 0, 0, 1, 1, 0, 2, 2];
    const m = classificationMetrics(truth, predicted, EMOTIONS);
    assert.equal(m.accuracy, 5 / 8);
    assert.equal(m.uar, (0.75 + 0.5 + 1 + 0) / 4);
    assert.deepEqual(m.confusionPercent[0], [75, 25, 0, 0]);
    assert.deepEqual(m.confusion[3], [0, 0, 1, 0]);
  });

  test('the running normaliser calibrates to its stream and stays bounded', () => {
    const prior = { mean: [0, 0], std: [1, 1] };
    const normaliser = new RunningNormaliser({ prior, priorWeight: 4, memory: 50 });
    let seed = 1;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;
    let last: Float32Array = new Float32Array(2);
    for (let i = 0; i < 500; i++) {
      const v = [100 + 10 * noise(), -5 + noise()];
      normaliser.update(v);
      last = normaliser.normalise([100, -5]);
    }
    assert.ok(Math.abs(last[0]) < 0.5 && Math.abs(last[1]) < 0.5, `a stream's own mean maps near 0 (${last})`);
    assert.throws(() => normaliser.update([1, 2, 3]), /3 values.*expects 2/);
  });
});

describe('inference with the shipped model', () => {
  test('windows that arrive in the same tick go through the model in one call, with the same results', async () => {
    const model = await EmotionModel.load(DEFAULT_MODEL_DIR);
    const batcher = new InferenceBatcher(model, { maxBatch: 64, maxWaitMs: 0 });
    const data = goldenRavdessVectors();
    const results = await Promise.all(data.vectors.map((v) => batcher.predict(v)));
    assert.equal(batcher.batches, 1);
    assert.deepEqual(results, model.predict(data.vectors));
    await assert.rejects(batcher.predict([1, 2, 3]), /3 values/);
    batcher.close();
    model.dispose();
  });

  test("vectors no audio can give are refused before they touch a stream's calibration", async () => {
    const model = await EmotionModel.load(DEFAULT_MODEL_DIR);
    const options = { maxBatch: 64, maxWaitMs: 0, maxStreams: 10, idleMs: 60_000, attention: false };
    const poisoned = new EmotionStreamClassifier(model, options);
    const clean = new EmotionStreamClassifier(model, options);
    const data = goldenRavdessVectors();
    const window = (vector: ArrayLike<number>) => ({ streamId: 'kitchen', vector, start: 0, end: 3, voiced: true });
    for (const v of data.vectors.slice(0, 2)) {
      await poisoned.classify(window(v));
      await clean.classify(window(v));
    }
    for (const sign of [1, -1]) {
      const hostile = Array.from(data.vectors[0], (x, i) => (i === 5 ? sign * 1e200 : x));
      await assert.rejects(poisoned.classify(window(hostile)), /value 5 .*far outside anything audio gives/);
    }
    for (const v of data.vectors) {
      assert.deepEqual(await poisoned.classify(window(v)), await clean.classify(window(v)), 'the stream calibrates as if nothing had come');
    }
    // The pyAudioAnalysis golden cases, extreme ones (silence, a pure tone, white noise) included, are all accepted.
    for (const c of goldenCases()) model.checkPlausible(c.clipVector);
    poisoned.close();
    clean.close();
    model.dispose();
  });

  test('the warm-up every shared model gets keeps nothing: the same predictions after it, no tensor left', async () => {
    const model = await EmotionModel.load(DEFAULT_MODEL_DIR);
    const data = goldenRavdessVectors();
    const before = model.predict(data.vectors);
    const tensors = tf.memory().numTensors;
    model.warmUp(200);
    assert.equal(tf.memory().numTensors, tensors);
    assert.deepEqual(model.predict(data.vectors), before);
    model.dispose();
  });

  test('no tensor leak: numTensors after 10,000 inferences equals numTensors after 10', async () => {
    const model = await EmotionModel.load(DEFAULT_MODEL_DIR);
    const classifier = new EmotionStreamClassifier(model, { maxBatch: 64, maxWaitMs: 0, maxStreams: 100, idleMs: 60_000, attention: true });
    const data = goldenRavdessVectors();
    const run = async (count: number) => {
      for (let start = 0; start < count; start += 100) {
        await Promise.all(
          Array.from({ length: Math.min(100, count - start) }, (_, j) => {
            const i = (start + j) % data.vectors.length;
            return classifier.classify({ streamId: `s${(start + j) % 37}`, vector: data.vectors[i], start: 0, end: 1, voiced: true });
          }),
        );
      }
    };
    await run(10);
    const after10 = tf.memory().numTensors;
    await run(10_000);
    assert.equal(tf.memory().numTensors, after10);
    assert.ok(classifier.batches < 10_010 / 10, `batched (${classifier.batches} model calls)`);
    classifier.close();
    model.dispose();
  });
});
