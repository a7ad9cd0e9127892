// Every example flow in examples/ loaded into a real Node-RED (child process, this package and
// the dashboard linked in) and run with real audio; the MQTT ones against a real mosquitto.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlowNode, NodeRedInstance, ROOT, assertBuilt } from './node-red-instance';
import { EMOTIONS, collectMqtt, loadExample, tap, withBroker } from './example-flows';
import { MosquittoBroker } from './mosquitto-broker';
// @ts-expect-error plain ES module shared with demo/make-examples.mjs
import { layoutProblems } from '../../demo/flow-layout.mjs';

assertBuilt();

describe('example flows in a real Node-RED', () => {
  let red: NodeRedInstance;
  let broker: MosquittoBroker;

  before(async () => {
    [red, broker] = await Promise.all([NodeRedInstance.start(), MosquittoBroker.start()]);
  });
  after(async () => {
    await red?.stop();
    await broker?.stop();
  });

  test('01: a WAV file gives per-window emotions and routed changes in the debug sidebar', async () => {
    await red.deploy(loadExample('01'));
    const prediction = await red.waitFor(() => red.debug.find((d) => d.id === 'ex1-debug-prediction'), 'a prediction in the debug sidebar');
    const payload = prediction.msg as { probabilities: Record<string, number>; emotion: string };
    assert.deepEqual(Object.keys(payload.probabilities).sort(), EMOTIONS);
    assert.ok(EMOTIONS.includes(payload.emotion));
    const change = await red.waitFor(() => red.debug.find((d) => d.id === 'ex1-debug-changes'), 'a routed change');
    const routed = change.msg as { emotion: string; previous: unknown; confidence: number; streamId: string };
    assert.ok([...EMOTIONS, 'uncertain'].includes(routed.emotion));
    assert.equal(routed.previous, null, 'the first change of a stream has no previous emotion');
    assert.equal(routed.streamId, 'living-room');
    assert.ok(routed.confidence >= 0 && routed.confidence <= 1);
  });

  test('02: the dashboard chart receives one point per emotion (file audio instead of the microphone)', async () => {
    // No microphone here: the same flow with its audio-source switched to a looping demo clip.
    const flow = loadExample('02').map((n) =>
      n.id === 'ex2-audio' ? { ...n, mode: 'file', path: join(ROOT, 'demo', 'clips'), loop: true, realtime: false, autostart: true } : n,
    );
    await red.deploy(tap(tap(flow, 'ex2-to-points'), 'ex2-describe'));
    const points = await red.waitFor(() => {
      const seen = red.debug.filter((d) => d.id === 'tap-ex2-to-points');
      return seen.length >= 4 ? seen : undefined;
    }, 'four chart points');
    const first = points.slice(0, 4).map((d) => d.msg as { topic: string; payload: number });
    assert.deepEqual(first.map((m) => m.topic).sort(), EMOTIONS);
    for (const m of first) assert.ok(m.payload >= 0 && m.payload <= 1);
    const text = await red.waitFor(() => red.debug.find((d) => d.id === 'tap-ex2-describe'), 'the routed emotion text');
    assert.match((text.msg as { payload: string }).payload, /^(anger|happiness|neutral|sadness|uncertain) \(\d+ %\) since /);
  });

  test('02: a microphone that cannot be opened is reported on the dashboard', async () => {
    const flow = loadExample('02').map((n) =>
      n.id === 'ex2-audio' ? { ...n, recorder: 'custom', command: 'no-such-recorder-command', autostart: true } : n,
    );
    await red.deploy(tap(flow, 'ex2-mic-problem'));
    const shown = await red.waitFor(() => red.debug.find((d) => d.id === 'tap-ex2-mic-problem'), 'the notification text');
    assert.match((shown.msg as { payload: string }).payload, /^Microphone: .*no-such-recorder-command/);
  });

  test('03: Home Assistant gets retained discovery for an enum and a confidence sensor, availability and state', async () => {
    const watcher = await collectMqtt(broker.url, ['homeassistant/#', 'speech-emotion/#']);
    try {
      await red.deploy(withBroker(loadExample('03'), broker.port));
      // Discovery is sent half a second after the deploy; with audio played fast a state can come first (both are retained).
      const has = (topic: string) => watcher.messages.some((m) => m.topic === topic);
      await red.waitFor(
        () =>
          has('speech-emotion/living-room/state') &&
          has('homeassistant/sensor/speech_emotion_living_room/emotion/config') &&
          has('homeassistant/sensor/speech_emotion_living_room/confidence/config'),
        'a sensor state and both discovery configs',
      );
      const config = (suffix: string) => {
        const m = watcher.messages.find((msg) => msg.topic === `homeassistant/sensor/speech_emotion_living_room/${suffix}/config`);
        assert.ok(m, `${suffix} discovery config`);
        return JSON.parse(m.payload) as Record<string, unknown>;
      };
      const emotion = config('emotion');
      assert.equal(emotion.device_class, 'enum');
      assert.deepEqual(emotion.options, [...EMOTIONS, 'uncertain']);
      assert.equal(emotion.state_topic, 'speech-emotion/living-room/state');
      const confidence = config('confidence');
      assert.equal(confidence.unit_of_measurement, '%');
      assert.deepEqual(
        (confidence.device as { identifiers: string[] }).identifiers,
        (emotion.device as { identifiers: string[] }).identifiers,
      );
      const online = watcher.messages.find((m) => m.topic === 'speech-emotion/living-room/availability');
      assert.equal(online?.payload, 'online');
      const state = JSON.parse(watcher.messages.find((m) => m.topic === 'speech-emotion/living-room/state')!.payload);
      assert.ok((emotion.options as string[]).includes(state.emotion));
      assert.ok(state.confidence >= 0 && state.confidence <= 1);
      // Each change is published once: a second copy would follow the first within the same flow step.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const states = watcher.messages.filter((m) => m.topic === 'speech-emotion/living-room/state').map((m) => m.payload);
      assert.deepEqual(states, [...new Set(states)], 'no state published twice');
    } finally {
      await watcher.end();
    }
    // Retained: a client connecting later (as Home Assistant after a restart) still gets the config.
    const late = await collectMqtt(broker.url, ['homeassistant/sensor/+/+/config', 'speech-emotion/living-room/availability']);
    try {
      await red.waitFor(() => late.messages.filter((m) => m.retain).length >= 3, 'retained discovery and availability', 10_000);
    } finally {
      await late.end();
    }
    // Availability goes offline when the flow stops (close message).
    const closing = await collectMqtt(broker.url, ['speech-emotion/living-room/availability']);
    try {
      await red.deploy([]);
      await red.waitFor(() => closing.messages.some((m) => m.payload === 'offline'), 'offline on stop', 10_000);
    } finally {
      await closing.end();
    }
  });

  test('04: the router fires a light colour command per emotion over MQTT and over HTTP', async () => {
    const watcher = await collectMqtt(broker.url, ['zigbee2mqtt/#']);
    // A local stand-in for the WLED light: the example's http request node, enabled and pointed at it.
    const posts: Array<{ method: string; url: string; body: string }> = [];
    const light = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        posts.push({ method: req.method ?? '', url: req.url ?? '', body });
        res.setHeader('Content-Type', 'application/json');
        res.end('{"success":true}');
      });
    });
    await new Promise<void>((resolve) => light.listen(0, '127.0.0.1', () => resolve()));
    const lightUrl = `http://127.0.0.1:${(light.address() as AddressInfo).port}/json/state`;
    try {
      const flow = withBroker(loadExample('04'), broker.port).map((n) =>
        n.type === 'http request' ? { ...n, d: false, url: lightUrl } : n,
      );
      await red.deploy(flow);
      const command = await red.waitFor(
        () => watcher.messages.find((m) => m.topic === 'zigbee2mqtt/living-room-light/set'),
        'a light command',
      );
      const payload = JSON.parse(command.payload) as { state: string; color: { r: number; g: number; b: number }; brightness: number };
      assert.equal(payload.state, 'ON');
      for (const c of [payload.color.r, payload.color.g, payload.color.b]) assert.ok(c >= 0 && c <= 255);
      assert.ok(payload.brightness >= 60 && payload.brightness <= 255);
      const post = await red.waitFor(() => posts[0], 'a WLED JSON API request');
      assert.equal(post.method, 'POST');
      assert.equal(post.url, '/json/state');
      const wled = JSON.parse(post.body) as { on: boolean; bri: number; seg: Array<{ col: number[][] }> };
      assert.equal(wled.on, true);
      assert.deepEqual(wled.seg[0].col[0], [payload.color.r, payload.color.g, payload.color.b], 'same colour over both');
    } finally {
      await watcher.end();
      light.close();
    }
  });

  test('05 + 06: the edge publishes calibrated windows, a worker classifies them, the edge routes the results', async () => {
    const watcher = await collectMqtt(broker.url, ['speech-emotion/windows/#', 'speech-emotion/emotion/#']);
    try {
      await red.deploy([...withBroker(loadExample('05'), broker.port), ...withBroker(loadExample('06'), broker.port)]);
      const change = await red.waitFor(() => red.debug.find((d) => d.id === 'ex5-debug-changes'), 'a routed change at the edge');
      const routed = change.msg as { emotion: string; streamId: string };
      assert.equal(routed.streamId, 'living-room');
      assert.ok([...EMOTIONS, 'uncertain'].includes(routed.emotion));
      const window = JSON.parse(watcher.messages.find((m) => m.topic === 'speech-emotion/windows/living-room')!.payload);
      assert.equal(window.normalised, true);
      assert.equal(window.vector.length, 68);
      const result = JSON.parse(watcher.messages.find((m) => m.topic === 'speech-emotion/emotion/living-room')!.payload);
      assert.ok(Number.isInteger(result.seq) && EMOTIONS.includes(result.emotion));
    } finally {
      await watcher.end();
      await red.deploy([]);
    }
  });
});

test('every example is valid flow JSON with unique ids and wires to existing nodes', () => {
  const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 4);
  for (const file of files) {
    const flow = JSON.parse(readFileSync(join(ROOT, 'examples', file), 'utf8')) as FlowNode[];
    const ids = new Set(flow.map((n) => n.id));
    assert.equal(ids.size, flow.length, `${file}: duplicate ids`);
    for (const node of flow) {
      for (const target of ((node.wires as string[][] | undefined) ?? []).flat())
        assert.ok(ids.has(target), `${file}: ${node.id} wires to missing ${target}`);
      if (node.type === 'emotion-router') assert.equal((node.wires as unknown[]).length, node.outputs, `${file}: router outputs`);
    }
    assert.deepEqual(layoutProblems(flow), [], `${file}: layout`);
  }
});

test("the examples' audio is this package's demo clips, named by a path relative to the package", () => {
  for (const prefix of ['01', '03', '04']) {
    const flow = loadExample(prefix);
    const source = flow.find((n) => n.type === 'audio-source')!;
    assert.equal(source.pathType, 'env');
    const tab = flow.find((n) => n.type === 'tab')!;
    const audio = (tab.env as Array<{ name: string; value: string }>).find((e) => e.name === source.path)!;
    assert.ok(!audio.value.startsWith('/') && existsSync(join(ROOT, audio.value)), `${prefix}: ${audio.value} in the package`);
  }
});
