import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import helper from 'node-red-node-test-helper';
import audioSourceNode from '../../src/nodes/audio-source/audio-source';
import { decodeWav, pcm16ToFloat, toMonoAtRate } from '../../src/core';
import { fuzzInput, wavSeeds } from '../helpers/audio-fuzz-inputs';
import { clip16k, manifest, originalClip } from '../helpers/corpus';
import { randomInt, seededRandom } from '../helpers/random';
import { collect as collectAny, until, watchedFlow, loggedWarnings } from '../helpers/node-red-test-flow';
import { readBytes, sox, tempDir } from '../helpers/sox';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const completeNode = require('@node-red/nodes/core/common/24-complete.js');
const statusNode = require('@node-red/nodes/core/common/25-status.js');

helper.init(require.resolve('node-red'));

interface Msg {
  payload: Buffer;
  streamId: string;
  audio: {
    seq: number;
    timestamp: number;
    samples: number;
    sampleRate: number;
    final?: boolean;
    file?: string;
    streamId: string;
    lag?: number;
  };
  error?: { message: string };
  status?: { text: string; fill: string };
  [key: string]: unknown;
}
interface TestNode {
  receive(msg: object): void;
}

const collect = (id: string) => collectAny<Msg>(id);

function flow(props: Record<string, unknown>) {
  return watchedFlow(
    [
      { id: 'src', type: 'audio-source', wires: [['out']], ...props },
      { id: 'out', type: 'helper' },
    ],
    'src',
    true,
  );
}

const load = (props: Record<string, unknown>) => helper.load([audioSourceNode, catchNode, completeNode, statusNode], flow(props));

function joinSamples(msgs: Msg[]): Float32Array {
  return pcm16ToFloat(Buffer.concat(msgs.map((m) => m.payload)));
}

describe('audio-source node', () => {
  before(() => new Promise<void>((resolve) => helper.startServer(resolve)));
  after(() => new Promise<void>((resolve) => helper.stopServer(resolve)));
  afterEach(() => helper.unload());

  test('flow mode: a 48 kHz stereo WAV becomes 16 kHz mono chunks of the configured length', async () => {
    await load({ mode: 'flow', chunkMs: 250 });
    const out = collect('out');
    const file = originalClip(0);
    (helper.getNode('src') as unknown as TestNode).receive({ payload: readBytes(file), streamId: 'kitchen' });
    await until(() => out.at(-1)?.audio.final === true, 'the final chunk');
    const decoded = decodeWav(readBytes(file));
    const expected = toMonoAtRate(decoded.channels, decoded.sampleRate);
    const samples = joinSamples(out);
    assert.equal(samples.length, expected.length);
    for (let i = 0; i < samples.length; i++) assert.ok(Math.abs(samples[i] - expected[i]) <= 1 / 32768 + 1e-7);
    out.slice(0, -1).forEach((m, i) => {
      assert.equal(m.audio.samples, 4000);
      assert.equal(m.audio.seq, i);
      assert.equal(m.streamId, 'kitchen');
      assert.equal(m.audio.sampleRate, 16000);
    });
    assert.equal(out[1].audio.timestamp - out[0].audio.timestamp, 250);
  });

  test('flow mode: raw PCM chunks as sox-utils sends them, two streams interleaved, state kept per stream', async () => {
    await load({ mode: 'flow', chunkMs: 100 });
    const out = collect('out');
    const caught = collect('caught');
    const node = helper.getNode('src') as unknown as TestNode;
    const raw = sox([originalClip(1), '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-']);
    const pieceBytes = 4 * 1234; // not a multiple of the chunk: the node must carry the rest over
    for (let at = 0; at < raw.length; at += pieceBytes) {
      for (const streamId of ['a', 'b']) {
        node.receive({
          payload: raw.subarray(at, at + pieceBytes),
          rate: 48000,
          channels: 2,
          bits: 16,
          encoding: 'signed-integer',
          streamId,
        });
      }
    }
    for (const streamId of ['a', 'b']) node.receive({ streamId, audio: { final: true } });
    await until(() => out.filter((m) => m.audio.final).length === 2, 'both streams to end');
    assert.deepEqual(
      caught.map((m) => m.error?.message),
      [],
    );
    const a = out.filter((m) => m.streamId === 'a');
    const b = out.filter((m) => m.streamId === 'b');
    assert.deepEqual(joinSamples(a), joinSamples(b));
    assert.deepEqual(
      a.map((m) => m.audio.seq),
      a.map((_, i) => i),
    );
    const whole = decodeWav(readBytes(originalClip(1)));
    assert.equal(joinSamples(a).length, toMonoAtRate(whole.channels, 48000).length);
  });

  test('flow mode: each chunk carries its lag behind real time (msg.audio.lag), and a lagging stream shows it in the status', async () => {
    await load({ mode: 'flow', chunkMs: 250 });
    const out = collect('out');
    const statuses = collect('statuses');
    const node = helper.getNode('src') as unknown as TestNode;
    const speech = readBytes(clip16k(manifest()[0].path)).subarray(44);
    const quarterSecond = 4000 * 2;
    node.receive({ payload: speech.subarray(0, quarterSecond), streamId: 'late' });
    await until(() => out.length === 1, 'the first chunk');
    // The stream's clock started with its first message: a second quarter second sent a second later is behind it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    node.receive({ payload: speech.subarray(quarterSecond, 2 * quarterSecond), streamId: 'late' });
    await until(() => out.length === 2, 'the second chunk');
    const lags = out.map((m) => m.audio.lag as number);
    assert.ok(lags[0] >= 0 && lags[0] < 250, `first chunk lag ${lags[0]}`);
    assert.ok(lags[1] >= 750, `second chunk lag ${lags[1]} ms, sent at least 1000 ms after the stream began and 250 ms into its audio`);
    await until(() => statuses.some((m) => /, lag \d+\.\d s$/.test(m.status?.text ?? '')), 'the lag in the status');
  });

  test('flow mode: bad input fails only that message, with a message a Catch node sees, and the node keeps working', async () => {
    await load({ mode: 'flow' });
    const out = collect('out');
    const caught = collect('caught');
    const node = helper.getNode('src') as unknown as TestNode;
    const wav = readBytes(clip16k(manifest()[0].path));
    node.receive({ payload: wav.subarray(0, 300) });
    node.receive({ payload: Buffer.concat([Buffer.from('ID3'), Buffer.alloc(64)]) });
    node.receive({ payload: { not: 'audio' } });
    node.receive({ payload: new Float32Array([NaN]), sampleRate: 16000 });
    await until(() => caught.length === 4, 'four errors');
    assert.match(caught[0].error!.message, /truncated/);
    assert.match(caught[1].error!.message, /MP3/);
    assert.match(caught[2].error!.message, /expected a Buffer/);
    assert.match(caught[3].error!.message, /NaN/);
    node.receive({ payload: wav });
    await until(() => out.at(-1)?.audio.final === true, 'audio after the errors');
  });

  test('flow mode: with every place (Max streams) held by an active stream, a new stream is refused, shown and warned of once', async () => {
    await load({ mode: 'flow', maxStreams: 2, chunkMs: 100 });
    const out = collect('out');
    const completed = collect('completed');
    const statuses = collect('statuses');
    const node = helper.getNode('src') as unknown as TestNode;
    // Three live streams taking turns: the third is refused on every chunk, the first two keep their places
    // (displacing the least recently heard would restart a stream on every chunk and none would keep its audio).
    for (let round = 0; round < 5; round++)
      for (const streamId of ['a', 'b', 'c']) node.receive({ payload: Buffer.alloc(3200, round + 1), streamId });
    await until(() => completed.length === 15, 'every message done');
    await until(() => /^2 streams, 1 refused, 10 chunks/.test(statuses.at(-1)?.status?.text ?? ''), 'the status with the refused stream');
    assert.equal(statuses.at(-1)!.status!.fill, 'yellow');
    assert.deepEqual(
      out.map((m) => `${m.streamId}:${m.audio.seq}`),
      [0, 1, 2, 3, 4].flatMap((seq) => [`a:${seq}`, `b:${seq}`]),
      'a and b give every chunk, in order, c none',
    );
    const warnings = loggedWarnings(/refusing/);
    assert.equal(warnings.length, 1, 'one warning, not one per chunk');
    assert.match(warnings[0], /refusing 1 stream \(e\.g\. "c"\): all 2 places \(Max streams\)/);
    // A place freed (a's last chunk) goes to the next new stream.
    node.receive({ payload: Buffer.alloc(3200), streamId: 'a', audio: { final: true } });
    node.receive({ payload: Buffer.alloc(3200), streamId: 'c' });
    await until(() => out.some((m) => m.streamId === 'c'), "c's chunk once a place is free");
  });

  test(
    'fuzz: 10,000 mutated, random and odd messages each end in exactly one done(), state stays bounded',
    { timeout: 180_000 },
    async () => {
      await load({ mode: 'flow', maxStreams: 50, chunkMs: 100 });
      const caught = collect('caught');
      const completed = collect('completed');
      const statuses = collect('statuses');
      const node = helper.getNode('src') as unknown as TestNode;
      const seeds = wavSeeds();
      const random = seededRandom(42);
      const odd: unknown[] = [null, 42, 'text', true, [], {}, [1, 'a'], new Float32Array(0), { type: 'Buffer', data: [1] }];
      const runs = 10_000;
      for (let run = 0; run < runs; run++) {
        const shape = randomInt(random, 4);
        const streamId = `s${randomInt(random, 400)}`;
        if (shape === 0) node.receive({ payload: odd[randomInt(random, odd.length)], streamId, audio: random() < 0.1 ? 'x' : undefined });
        else if (shape === 1)
          node.receive({
            payload: fuzzInput(random, seeds),
            streamId,
            rate: 8000 + randomInt(random, 200000),
            channels: randomInt(random, 10),
            bits: 16,
          });
        else node.receive({ payload: fuzzInput(random, seeds), streamId });
        if (run % 500 === 499) await until(() => caught.length + completed.length === run + 1, `done for ${run + 1} messages`, 60_000);
      }
      await until(() => caught.length + completed.length === runs, 'every message to be done', 60_000);
      // 400 stream ids were used; the status (sent after the next accepted chunk) tells how many are held.
      node.receive({ payload: Buffer.alloc(3200), streamId: 'bounded-check' });
      await until(() => statuses.some((m) => /^\d+ streams?,/.test(m.status?.text ?? '')), 'a status with the stream count');
      const held = Number(
        /^(\d+) streams?,/.exec(statuses.filter((m) => /^\d+ streams?,/.test(m.status?.text ?? '')).at(-1)!.status!.text)![1],
      );
      assert.ok(held <= 50 && held >= 40, `held ${held} streams with maxStreams 50 after 400 stream ids`);
      console.log(`# audio-source fuzz: ${completed.length} accepted, ${caught.length} refused`);
      assert.ok(caught.length > 1000 && completed.length > 100);
      // The held streams were all heard lately: a new one is refused until they are reset.
      node.receive({ reset: true });
      const out = collect('out');
      node.receive({ payload: readBytes(clip16k(manifest()[3].path)), streamId: 'after-fuzz' });
      await until(() => out.some((m) => m.streamId === 'after-fuzz' && m.audio.final === true), 'audio after the fuzz');
    },
  );

  test('file mode: plays a folder as fast as possible, each file a finite stream', async () => {
    const dir = tempDir('play');
    const files = manifest()
      .slice(0, 3)
      .map((row, i) => {
        const target = join(dir, `${i}-${basename(row.path)}`);
        execFileSync('cp', [clip16k(row.path), target]);
        return target;
      });
    await load({ mode: 'file', path: dir, realtime: false, autostart: false, streamId: 'folder' });
    const out = collect('out');
    (helper.getNode('src') as unknown as TestNode).receive({ payload: 'start' });
    await until(() => out.filter((m) => m.audio.final).length === 3, 'three files');
    for (const file of files) {
      const chunks = out.filter((m) => m.audio.file === file);
      assert.deepEqual(joinSamples(chunks), decodeWav(readBytes(file)).channels[0]);
      assert.equal(chunks[0].audio.seq, 0);
    }
  });

  test('file mode: real time paces chunks by the clock, stop ends it', async () => {
    await load({ mode: 'file', path: clip16k(manifest()[5].path), realtime: true, autostart: true, chunkMs: 200 });
    const out = collect('out');
    await until(() => out.length >= 3, 'three chunks');
    // Paced: when three chunks are out, the rest of the ~3 s file (15+ chunks of 200 ms) is not.
    assert.ok(out.length < 6, `${out.length} chunks already: not paced`);
    (helper.getNode('src') as unknown as TestNode).receive({ payload: 'stop' });
    const count = out.length;
    await new Promise((resolve) => setTimeout(resolve, 600));
    assert.ok(out.length <= count + 1, 'no chunks after stop');
    assert.ok(!out.some((m) => m.audio.final), 'stopped before the end of the file');
    assert.equal(out[2].audio.timestamp - out[0].audio.timestamp, 400);
  });

  test('microphone mode: a capture command writing PCM to stdout (sox on a real clip) streams chunks', async () => {
    const clip = originalClip(3);
    await load({
      mode: 'microphone',
      recorder: 'custom',
      command: 'sox',
      args: JSON.stringify([clip, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-c', '2', '-r', '44100', '-']),
      pcmRate: 44100,
      pcmChannels: 2,
      pcmBits: 16,
      pcmEncoding: 'signed-integer',
      autostart: true,
      streamId: 'mic-1',
    });
    const out = collect('out');
    await until(() => out.at(-1)?.audio.final === true, 'the command to finish');
    const expected = (() => {
      const tmp = join(tempDir('mic'), 'ref.wav');
      sox([clip, '-e', 'signed-integer', '-b', '16', '-c', '2', '-r', '44100', tmp]);
      const d = decodeWav(readBytes(tmp));
      return toMonoAtRate(d.channels, d.sampleRate);
    })();
    const got = joinSamples(out);
    assert.equal(got.length, expected.length);
    assert.ok(out.every((m) => m.streamId === 'mic-1'));
  });

  test('microphone mode: a missing command gives a red status and an error, not a crash', async () => {
    await load({ mode: 'microphone', recorder: 'custom', command: 'no-such-recorder-xyz', args: '', autostart: false });
    const caught = collect('caught');
    const statuses = collect('statuses');
    (helper.getNode('src') as unknown as TestNode).receive({ payload: 'start' });
    await until(() => statuses.some((s) => s.status?.fill === 'red'), 'a red status');
    const red = statuses.find((s) => s.status?.fill === 'red')!;
    assert.match(red.status!.text, /not found/);
    await until(() => caught.length === 1, 'the failure at a Catch node');
    assert.match(caught[0].error!.message, /no-such-recorder-xyz" not found/);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(caught.length, 1, 'a missing command is not restarted (restarting cannot help)');
  });

  test("microphone mode: a recorder's wait before its first audio shows as lag (msg.audio.lag, from when it started)", async () => {
    // A stand-in recorder that sends 250 ms of 16 kHz silence every 250 ms, but only 1.5 s after it started.
    await load({
      mode: 'microphone',
      recorder: 'custom',
      command: process.execPath,
      args: JSON.stringify(['-e', 'setTimeout(() => setInterval(() => process.stdout.write(Buffer.alloc(8000)), 250), 1500)']),
      pcmRate: 16000,
      pcmChannels: 1,
      pcmBits: 16,
      pcmEncoding: 'signed-integer',
      chunkMs: '250',
      autostart: true,
    });
    const out = collect('out');
    await until(() => out.length >= 2, 'audio from the stand-in recorder');
    await helper.unload();
    // At least the 1.5 s the recorder waited, however fast or slow the machine.
    assert.ok((out[0].audio.lag as number) >= 1500, `first chunk lag ${out[0].audio.lag} ms`);
    assert.ok((out[1].audio.lag as number) >= 1500, `second chunk lag ${out[1].audio.lag} ms`);
  });

  test('close kills the capture process', async () => {
    const marker = `capture-marker-${process.pid}-${Date.now()}`;
    await load({
      mode: 'microphone',
      recorder: 'custom',
      command: process.execPath,
      args: JSON.stringify(['-e', 'setInterval(() => process.stdout.write(Buffer.alloc(3200)), 100)', marker]),
      autostart: true,
    });
    const out = collect('out');
    await until(() => out.length >= 2, 'audio from the stand-in recorder');
    const running = () => {
      try {
        return execFileSync('pgrep', ['-f', marker]).toString().trim().length > 0;
      } catch {
        return false;
      }
    };
    assert.ok(running(), 'the capture process runs');
    await helper.unload();
    assert.equal(running(), false, 'the capture process is gone after close');
  });
});
