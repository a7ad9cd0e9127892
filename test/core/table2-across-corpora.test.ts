// The paper's Table 2 on the leave-one-corpus-out protocol (trainAndTestKinds, scripts/evaluate-generalisation.ts
// --baselines), on real RAVDESS clips: two actors as one "corpus", the other two as another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/core/model/backend';
import { corpusFeatures, loadFeatureProfile } from '../../src/core/training/corpus-features';
import { readManifest } from '../../src/core/training/corpus-manifest';
import { trainAndTestKinds } from '../../src/core/training/corpus-generalisation';
import { subsetOf } from '../../src/core/training/labelled-vectors';
import { DEFAULT_TRAINING_OPTIONS, mergeTrainingOptions } from '../../src/core/training/training-options';
import { RAVDESS_MANIFEST } from '../helpers/corpus';

test('every Table 2 model is trained on the same normalised vectors and tested on the same streams', async () => {
  await initBackend();
  const { entries } = await readManifest(RAVDESS_MANIFEST);
  const all = await corpusFeatures(entries, loadFeatureProfile('paper'), { speechOnly: true });
  const actorsOf = (actors: string[]) =>
    subsetOf(
      all,
      all.speakers.flatMap((s, i) => (actors.includes(s) ? [i] : [])),
    );
  // the fixture subset has actors 02, 03, 05 and 10, one clip of each emotion
  const east = actorsOf(['ravdess_02', 'ravdess_03']);
  const west = actorsOf(['ravdess_05', 'ravdess_10']);
  const training = mergeTrainingOptions(DEFAULT_TRAINING_OPTIONS, { maxEpochs: 30, patience: 0 });
  assert.equal(training.normalisation, 'per-stream');
  const kinds = ['svm', 'random-forest', 'dnn', 'mt-a-dnn'] as const;
  const results = await trainAndTestKinds(
    east,
    ['east'],
    [
      { name: 'west', clean: west },
      { name: 'east', clean: east },
    ],
    'leave-one-corpus-out',
    training,
    [...kinds],
  );
  assert.deepEqual(
    results.map((r) => `${r.classifier} ${r.testedOn}`),
    kinds.flatMap((k) => [`${k} west`, `${k} east`]),
  );
  for (const r of results) {
    const clips = r.testedOn === 'west' ? west.labels.length : east.labels.length;
    const counted = (m: typeof r.perSpeaker) => m.confusion.flat().reduce((a, b) => a + b, 0);
    assert.equal(counted(r.perSpeaker), clips);
    assert.equal(counted(r.perCorpus), clips);
    assert.deepEqual(r.trainedOn, ['east']);
  }
  // Tested on the very clips it learnt, the random forest is right about nearly all of them, which holds only
  // if the test streams are normalised as the training streams were (raw vectors land far from every leaf's range).
  const forestOnTraining = results.find((r) => r.classifier === 'random-forest' && r.testedOn === 'east')!;
  assert.ok(forestOnTraining.perSpeaker.accuracy >= 0.75, `random forest on its training clips: ${forestOnTraining.perSpeaker.accuracy}`);
});
