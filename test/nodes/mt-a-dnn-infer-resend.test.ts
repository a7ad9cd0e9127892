// The MQTT edge's re-sending: mt-a-dnn-infer with Output "normalised window" keeps each voiced window it sent
// until a worker's result for it comes back to its input, and sends it again after "Re-send after".
import { after, afterEach, before, describe, test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import helper, { type TestFlows } from 'node-red-node-test-helper';
import inferNode from '../../src/nodes/mt-a-dnn-infer/mt-a-dnn-infer';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import { getFeatureProfile } from '../../src/core/features';
import { applyClipFrontEnd, frontEndOf } from '../../src/core/features/front-end/clip-front-end';
import { readManifest } from '../../src/core/training/corpus-manifest';
import { DEFAULT_MODEL_DIR } from '../../src/core/model/package-paths';
import type { FeatureWindowPayload } from '../../src/core/messages';
import { RAVDESS_MANIFEST } from '../helpers/corpus';

helper.init(require.resolve('node-red'));

type Msg = { payload: Record<string, unknown> & { streamId: string; seq: number } };
type TestNode = {
  receive(msg: object): void;
  on(event: 'input', cb: (msg: Msg) => void): void;
  on(event: 'call:status', cb: (call: { args: [{ text?: string }] }) => void): void;
};

const RESEND_AFTER_S = 0.3;
/** Real feature windows of one RAVDESS actor, as one live stream (seq 0, 1, ...). */
const windows: FeatureWindowPayload[] = [];

before(async () => {
  const meta = JSON.parse(readFileSync(`${DEFAULT_MODEL_DIR}/metadata.json`, 'utf8'));
  const profile = getFeatureProfile(meta.featureProfile);
  const { entries } = await readManifest(RAVDESS_MANIFEST);
  for (const [seq, entry] of entries
    .filter((e) => e.speaker === 'ravdess_03')
    .slice(0, 4)
    .entries()) {
    const samples = applyClipFrontEnd(await loadAudioFileAs16kMono(entry.path), frontEndOf(meta));
    windows.push({
      streamId: 'mic-1',
      profile: profile.name,
      vector: Array.from(profile.clipVector(samples)),
      start: 1_700_000_000_000 + seq * 1000,
      end: 1_700_000_000_000 + seq * 1000 + 3000,
      speechRatio: 0.8,
      voiced: true,
      seq,
      startSample: seq * 16_000,
      endSample: seq * 16_000 + 48_000,
    });
  }
});
afterEach(() => helper.unload());
after(() => helper.stopServer?.(() => undefined));

/** An edge (normalised windows out, results in) and a worker classifying what the edge sends, as over MQTT. */
async function edgeAndWorker(edgeProps: Record<string, unknown>) {
  await helper.load(inferNode, [
    { id: 'edge', type: 'mt-a-dnn-infer', output: 'normalised-window', resendAfter: RESEND_AFTER_S, ...edgeProps, wires: [['published']] },
    { id: 'published', type: 'helper' },
    { id: 'worker', type: 'mt-a-dnn-infer', wires: [['results']] },
    { id: 'results', type: 'helper' },
  ] as TestFlows);
  const node = (id: string) => helper.getNode(id) as unknown as TestNode;
  const published: Msg[] = [];
  const results: Msg[] = [];
  const statuses: string[] = [];
  node('published').on('input', (msg) => published.push(msg));
  node('results').on('input', (msg) => results.push(msg));
  node('edge').on('call:status', (call) => statuses.push(call.args[0].text ?? ''));
  return { edge: node('edge'), worker: node('worker'), published, results, statuses };
}

async function waitFor(check: () => boolean, what: string) {
  for (let i = 0; i < 1500; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

const keyOf = (msg: Msg) => `${msg.payload.streamId}#${msg.payload.seq}`;

describe('mt-a-dnn-infer: re-sending windows without a result (MQTT edge)', () => {
  test('a window whose result never came back is sent again, unchanged, until its result arrives; answered ones are not', async () => {
    const { edge, worker, published, results, statuses } = await edgeAndWorker({});
    for (const payload of windows) edge.receive({ payload, streamId: payload.streamId });
    await waitFor(() => published.length === windows.length, 'every window sent once');
    for (const msg of published) worker.receive({ payload: msg.payload });
    await waitFor(() => results.length === windows.length, 'a real prediction of every window');
    // The results of seq 0 and 2 are lost (as with a worker killed after taking the windows).
    const lost = new Set(['mic-1#0', 'mic-1#2']);
    for (const r of results) if (!lost.has(keyOf(r))) edge.receive({ payload: r.payload });

    await waitFor(() => published.length >= windows.length + 4, 'the two unanswered windows sent twice more');
    const again = published.slice(windows.length);
    assert.deepEqual(new Set(again.map(keyOf)), lost, 'only the unanswered windows are re-sent');
    for (const msg of again) {
      assert.deepEqual(msg.payload, published.find((m) => keyOf(m) === keyOf(msg))!.payload, `${keyOf(msg)} unchanged`);
    }

    // Their results arrive (a duplicate of an answered one too): nothing waits any more.
    for (const r of results) if (lost.has(keyOf(r))) edge.receive({ payload: r.payload });
    edge.receive({ payload: results[1].payload });
    await waitFor(() => statuses.some((s) => /0 awaiting a result/.test(s)), 'a status with nothing awaiting a result');
    const sent = published.length;
    await new Promise((resolve) => setTimeout(resolve, 4 * RESEND_AFTER_S * 1000));
    assert.equal(published.length, sent, 'no window is re-sent once answered');
    assert.match(statuses.at(-1)!, /^normalised 1 stream, 0 awaiting a result, \d+ re-sent, 0 dropped$/);
  });

  test('at most "Keep up to" windows wait; the least recently sent are dropped and counted', async () => {
    const { edge, published, statuses } = await edgeAndWorker({ maxUnanswered: 2 });
    for (const payload of windows) edge.receive({ payload, streamId: payload.streamId });
    await waitFor(() => published.length >= windows.length + 2, 'the kept windows re-sent');
    assert.deepEqual(
      published.slice(windows.length).map(keyOf).sort(),
      ['mic-1#2', 'mic-1#3'],
      'the two most recent windows are the ones kept',
    );
    await waitFor(
      () => statuses.some((s) => /^normalised 1 stream, 2 awaiting a result, [1-9]\d* re-sent, 2 dropped$/.test(s)),
      'the drops in the status',
    );
  });

  test('without "Re-send after" nothing is kept, and results at its input are ignored as before', async () => {
    const { edge, worker, published, results, statuses } = await edgeAndWorker({ resendAfter: 0 });
    for (const payload of windows) edge.receive({ payload, streamId: payload.streamId });
    await waitFor(() => published.length === windows.length, 'every window sent once');
    for (const msg of published) worker.receive({ payload: msg.payload });
    await waitFor(() => results.length === windows.length, 'a real prediction of every window');
    for (const r of results) edge.receive({ payload: r.payload });
    await new Promise((resolve) => setTimeout(resolve, 4 * RESEND_AFTER_S * 1000));
    assert.equal(published.length, windows.length);
    assert.match(statuses.at(-1)!, /^normalised 1 stream$/);
  });
});
