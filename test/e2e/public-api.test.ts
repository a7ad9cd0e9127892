// The package's main entry as a user gets it: require('node-red-contrib-speech-emotion') from the
// built dist, and a pipeline composed from nothing else: WAV → chunks → feature windows → model → route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { concatMap, from, lastValueFrom, tap, toArray } from 'rxjs';
import { ROOT, assertBuilt } from './node-red-instance';
import { FIXTURES_DIR } from '../helpers/corpus';

assertBuilt();
const speechEmotion = createRequire(__filename)(ROOT) as typeof import('../../src/core/index');

test('the main entry exports the audio, features, model, routing and message API', () => {
  const expected = [
    // audio
    'decodeWav',
    'decodeAudioPayload',
    'AudioStreamConverter',
    'playAudioFiles',
    'loadAudioFileAs16kMono',
    // features
    'featureWindows',
    'FeatureWindowStream',
    'paperClipVector',
    'getFeatureProfile',
    // model (inference)
    'initBackend',
    'EmotionModel',
    'EmotionStreamClassifier',
    'acquireModel',
    'DEFAULT_MODEL_DIR',
    // routing
    'routeEmotions',
    'EmotionRouter',
    'resolveRouterConfig',
    // messages and per-stream state
    'EMOTIONS',
    'StreamStateMap',
  ];
  const missing = expected.filter((name) => !(name in speechEmotion));
  assert.deepEqual(missing, [], 'exported by the main entry');
  const exported = Object.keys(speechEmotion);
  const training = ['crossValidate', 'trainMtADnn', 'trainFromManifest', 'readManifest', 'corpusFeatures'];
  assert.deepEqual(
    training.filter((name) => exported.includes(name)),
    [],
    'training code is not part of the public API',
  );
});

test('a pipeline of public API only: a speaker folder of RAVDESS WAVs to routed emotions', async () => {
  const { playAudioFiles, featureWindows, initBackend, acquireModel, EmotionStreamClassifier, routeEmotions, EMOTIONS } = speechEmotion;
  // One speaker's four clips (neutral, happiness, sadness, anger), played one after another as one stream.
  const folder = join(FIXTURES_DIR, 'ravdess-subset', 'Actor_02');
  await initBackend();
  const lease = acquireModel();
  const model = await lease.model;
  const classifier = new EmotionStreamClassifier(model, { maxStreams: 10, idleMs: 60_000, attention: false, maxBatch: 8, maxWaitMs: 0 });
  const predictions: { emotion: string; probabilities: Record<string, number>; streamId: string }[] = [];
  try {
    const routed = await lastValueFrom(
      playAudioFiles({ path: folder, streamId: 'actor-02', chunkSamples: 1600, realtime: false, loop: false }).pipe(
        featureWindows({ trimSilence: true }),
        concatMap((window) => from(classifier.classify(window))),
        tap((prediction) => predictions.push(prediction)),
        routeEmotions({ smoothingWindows: 1, minDwellMs: 0, enterThreshold: 0, leaveThreshold: 0 }),
        toArray(),
      ),
    );
    // Each clip (3.6-4.0 s) ends its stream: windows of 3 s every 1 s, then a last partial one of at least 1 s.
    assert.equal(predictions.length, 2 + 2 + 2 + 3, 'windows classified');
    for (const p of predictions) {
      assert.equal(p.streamId, 'actor-02');
      assert.ok(EMOTIONS.includes(p.emotion as (typeof EMOTIONS)[number]), p.emotion);
      const sum = EMOTIONS.reduce((s, e) => s + p.probabilities[e], 0);
      assert.ok(Math.abs(sum - 1) < 1e-5, `probabilities sum to ${sum}`);
      assert.equal(
        p.emotion,
        EMOTIONS.reduce((best, e) => (p.probabilities[e] > p.probabilities[best] ? e : best)),
      );
    }
    const states = routed.filter((event) => event.output !== 'changed');
    assert.ok(states.length > 0, 'the router sent at least one state');
    assert.equal(states[0].payload.emotion, predictions[0].emotion, 'the first routed state is the first window’s emotion');
  } finally {
    classifier.close();
    lease.release();
  }
});
