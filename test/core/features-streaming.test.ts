import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { from, lastValueFrom, toArray } from 'rxjs';
import { loadSamples, worstViolation } from './features-golden-fixtures';
import { clip16k, goldenWav, manifest, speakers } from '../helpers/corpus';
import { heapAndTypedArrayBytes } from '../helpers/memory-after-gc';
import {
  FeatureWindowStream,
  FeatureWindowRegistry,
  assertFeatureProfile,
  clipVectorOf,
  featureWindows,
  getFeatureProfile,
  referenceShortTermFeatures,
  resolveFeatureWindowOptions,
  YinPitchTracker,
} from '../../src/core/features';
import { WindowScratch } from '../../src/core/features/window-scratch';
import { AudioChunk } from '../../src/core/audio/audio-chunk';

function referenceVector(samples: Float32Array, from: number, to: number): Float64Array {
  return clipVectorOf(referenceShortTermFeatures(samples.subarray(from, to)));
}

function streamAll(stream: FeatureWindowStream, samples: Float32Array, chunk: number) {
  const windows = [];
  for (let i = 0; i < samples.length; i += chunk) windows.push(...stream.push(samples.subarray(i, i + chunk)));
  windows.push(...stream.end());
  return windows;
}

const rows = manifest();
// one clip per actor (24, or 4 in the fixtures), spread over the emotions
const corpusClips = speakers().map((speaker, actor) => rows.filter((r) => r.speaker === speaker)[actor % 4].path);
// neutral speech (acted anger or joy may rise beyond the usual range of a voice)
const maleClip = rows.find((r) => r.gender === 'male' && r.emotion === 'neutral')!.path;
const femaleClip = rows.find((r) => r.gender === 'female' && r.emotion === 'neutral')!.path;

describe('streaming feature windows equal the toolkit run on each window', () => {
  const clips = new Map<string, Float32Array>();
  before(async () => {
    for (const p of corpusClips.slice(0, 6)) clips.set(p, await loadSamples(clip16k(p)));
  });

  for (const [windowSeconds, hopSeconds, chunk] of [
    [3, 1, 1600],
    [1.5, 0.25, 1234],
    [0.5, 0.7, 997], // hop longer than the window: audio between windows is skipped
  ] as const) {
    test(`window ${windowSeconds} s, hop ${hopSeconds} s, chunks of ${chunk} samples, on real RAVDESS clips`, () => {
      let checked = 0;
      for (const [name, samples] of clips) {
        const stream = new FeatureWindowStream(name, { trimSilence: false, windowSeconds, hopSeconds, minFinalSeconds: 0.3 });
        const windows = streamAll(stream, samples, chunk);
        assert.ok(windows.length >= 2, `${name}: ${windows.length} windows`);
        for (const w of windows) {
          assert.equal(w.vector.length, 68);
          assert.equal(w.endSample - w.startSample, w.partial ? w.endSample - w.startSample : Math.round(windowSeconds * 16000));
          const { ratio, index } = worstViolation(w.vector, referenceVector(samples, w.startSample, w.endSample), 1e-6, 1e-9);
          assert.ok(ratio <= 1, `${name} window ${w.seq} [${index}] off by ${ratio} of the tolerance`);
          checked++;
        }
        const tail = samples.length - windows.at(-1)!.endSample;
        assert.ok(
          tail === 0 || tail < (0.3 + Math.max(0, hopSeconds - windowSeconds)) * 16000,
          'the final partial window reaches the end unless too short',
        );
      }
      assert.ok(checked >= 2 * clips.size, `${checked} windows checked`);
    });
  }

  test('the golden edge cases stream too (digital silence, 1-LSB dither, noise)', async () => {
    for (const name of ['edge_silence', 'edge_near_silence_dither1lsb', 'edge_whitenoise']) {
      const samples = await loadSamples(goldenWav(name));
      const windows = streamAll(new FeatureWindowStream(name, { trimSilence: false, windowSeconds: 0.5, hopSeconds: 0.1 }), samples, 700);
      for (const w of windows) {
        const { ratio } = worstViolation(w.vector, referenceVector(samples, w.startSample, w.endSample), 1e-6, 1e-9);
        assert.ok(ratio <= 1, `${name} window ${w.seq}`);
      }
    }
  });

  test('zero crossings about the pivot: 16-bit audio with many samples on the window means, means on and between grid values, and off-grid audio', () => {
    const lsb = 1 / 32768;
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    // quiet 16-bit noise of a few LSB in +-n pairs (so a window's sum is its DC levels' sum) around a
    // DC level that steps between -1, 0 and 1 LSB: windows within one level have a mean exactly on
    // a sample value, windows across a step a mean between grid values
    const grid = new Float32Array(16000 * 5);
    for (let i = 0; i < grid.length; i += 2) {
      const dc = (Math.floor(i / 11200) % 3) - 1;
      const n = Math.round(random() * 4 - 2);
      grid[i] = (dc + n) * lsb;
      grid[i + 1] = (dc - n) * lsb;
    }
    const offGrid = Float32Array.from({ length: 16000 * 2 }, () => (random() - 0.5) * 1e-3);
    for (const [name, samples] of [
      ['16-bit', grid],
      ['off-grid', offGrid],
    ] as const) {
      const stream = new FeatureWindowStream(name, { trimSilence: false, windowSeconds: 0.5, hopSeconds: 0.1, minFinalSeconds: 0 });
      const windows = streamAll(stream, samples, 1000);
      let onPivot = 0;
      for (const w of windows) {
        const { ratio, index } = worstViolation(w.vector, referenceVector(samples, w.startSample, w.endSample), 1e-6, 1e-9);
        assert.ok(ratio <= 1, `${name} window ${w.seq} [${index}] off by ${ratio} of the tolerance`);
        const mean = samples.subarray(w.startSample, w.endSample).reduce((a, b) => a + b, 0) / (w.endSample - w.startSample);
        if (mean === Math.round(mean / lsb) * lsb) onPivot++;
      }
      const frameWindows = windows.length * 48;
      if (name === '16-bit') {
        assert.ok(onPivot >= 2, `windows with a mean on a sample value: ${onPivot}`);
        assert.ok(
          stream.fallbacks.zcr < frameWindows / 4,
          `zero-crossing rates from the samples: ${stream.fallbacks.zcr} of ${frameWindows}`,
        );
      }
    }
  });

  test('chunk sizes do not change the windows', () => {
    const samples = clips.values().next().value as Float32Array;
    const a = streamAll(new FeatureWindowStream('a', { trimSilence: false }), samples, 160);
    const b = streamAll(new FeatureWindowStream('b', { trimSilence: false }), samples, samples.length);
    assert.deepEqual(
      a.map((w) => w.vector),
      b.map((w) => w.vector),
    );
  });

  test('16-bit PCM as an Int16Array gives the windows of the same audio as floats, speech-only or not', () => {
    const samples = clips.values().next().value as Float32Array;
    const pcm = Int16Array.from(samples, (v) => v * 32768);
    for (const trimSilence of [false, true]) {
      const floats = streamAll(new FeatureWindowStream('s', { trimSilence, windowSeconds: 1, hopSeconds: 0.5 }), samples, 4000);
      const pcmWindows = [];
      const stream = new FeatureWindowStream('s', { trimSilence, windowSeconds: 1, hopSeconds: 0.5 });
      for (let i = 0; i < pcm.length; i += 4000) pcmWindows.push(...stream.push(pcm.subarray(i, i + 4000)));
      pcmWindows.push(...stream.end());
      assert.ok(floats.length > 2);
      assert.deepEqual(pcmWindows, floats);
    }
  });

  test('off-grid float chunks between 16-bit ones: each window still equals the toolkit on its samples', () => {
    const speech = clips.values().next().value as Float32Array;
    const samples = speech.slice();
    // 0.3 s of off-grid audio (and a full-scale 1.0, on the grid but not a 16-bit value) in the middle
    for (let i = 20000; i < 24800; i++) samples[i] = samples[i] * 0.7 + 1e-5;
    samples[25000] = 1;
    const stream = new FeatureWindowStream('mixed', { trimSilence: false, windowSeconds: 1, hopSeconds: 0.5 });
    const pcm = Int16Array.from(speech, (v) => v * 32768);
    const windows = [];
    for (let i = 0; i < samples.length; i += 1600) {
      const part = samples.subarray(i, i + 1600);
      const onGrid = part.every((v, j) => v === speech[i + j] && v < 1);
      // 16-bit chunks come as PCM, the others as floats
      windows.push(...stream.push(onGrid ? pcm.subarray(i, i + 1600) : part));
    }
    windows.push(...stream.end());
    assert.ok(windows.length > 4);
    for (const w of windows) {
      const violation = worstViolation(w.vector, referenceVector(samples, w.startSample, w.endSample), 1e-6, 1e-9);
      assert.ok(violation.ratio <= 1, `window ${w.seq}: value ${violation.index} off by ${violation.ratio}x the tolerance`);
    }
    // the float copy is let go once the window holds 16-bit audio only
    const pcmOnly = new FeatureWindowStream('pcm', { trimSilence: false, windowSeconds: 1, hopSeconds: 0.5 });
    pcmOnly.push(pcm);
    assert.equal(stream.footprintBytes, pcmOnly.footprintBytes);
  });

  test('a shifted window does not equal its neighbour (the check can fail)', () => {
    const samples = clips.values().next().value as Float32Array;
    const [w0] = streamAll(new FeatureWindowStream('a', { trimSilence: false, windowSeconds: 1, hopSeconds: 0.5 }), samples, 4000);
    assert.ok(worstViolation(w0.vector, referenceVector(samples, 160, 16160), 1e-6, 1e-9).ratio > 1);
  });

  test('timestamps follow the chunks', () => {
    const samples = clips.values().next().value as Float32Array;
    const stream = new FeatureWindowStream('t', { trimSilence: false, windowSeconds: 1, hopSeconds: 0.5 });
    const windows = [];
    for (let i = 0; i < samples.length; i += 1600) windows.push(...stream.push(samples.subarray(i, i + 1600), 1_700_000_000_000 + i / 16));
    assert.equal(windows[0].start, 1_700_000_000_000);
    assert.equal(windows[1].start, 1_700_000_000_500);
    assert.equal(windows[0].end, 1_700_000_000_000 + 15999 / 16);
  });
});

describe('voice activity', () => {
  test('the real silences at the start and end of RAVDESS clips are unvoiced, the speech voiced', async () => {
    let silentChecked = 0;
    for (const p of corpusClips) {
      const samples = await loadSamples(clip16k(p));
      const windows = streamAll(
        new FeatureWindowStream(p, { trimSilence: false, windowSeconds: 0.3, hopSeconds: 0.1, minFinalSeconds: 0 }),
        samples,
        3200,
      );
      const first = windows[0];
      const last = windows.at(-1)!;
      assert.equal(first.voiced, false, `${p}: leading silence speech ratio ${first.speechRatio}`);
      assert.equal(last.voiced, false, `${p}: trailing silence speech ratio ${last.speechRatio}`);
      const best = Math.max(...windows.map((w) => w.speechRatio));
      assert.ok(best >= 0.6, `${p}: no window with speech (best ${best})`);
      silentChecked += 2;
    }
    assert.equal(silentChecked, 2 * corpusClips.length);
  });

  test('mains hum with harmonics at -20 dBFS is not speech', () => {
    const samples = new Float32Array(48000);
    for (let i = 0; i < samples.length; i++) {
      let v = 0;
      for (let h = 1; h <= 6; h++) v += Math.sin((2 * Math.PI * 50 * h * i) / 16000 + h) / h;
      samples[i] = 0.07 * v;
    }
    const [w] = new FeatureWindowStream('hum', { trimSilence: false }).push(samples);
    assert.equal(w.voiced, false);
    assert.ok(w.speechRatio < 0.05, `hum speech ratio ${w.speechRatio}`);
  });

  test('voicedOnly drops unvoiced windows from the operator', async () => {
    const silence = new Float32Array(32000);
    const chunks: AudioChunk[] = [{ streamId: 's', seq: 0, timestamp: 0, sampleRate: 16000, samples: silence, final: true }];
    const all = await lastValueFrom(
      from(chunks).pipe(featureWindows({ trimSilence: false, windowSeconds: 1, hopSeconds: 0.5 }), toArray()),
    );
    const voiced = await lastValueFrom(
      from(chunks).pipe(featureWindows({ trimSilence: false, windowSeconds: 1, hopSeconds: 0.5, voicedOnly: true }), toArray()),
    );
    assert.ok(all.length >= 3);
    assert.equal(voiced.length, 0);
  });
});

describe('many streams, bounded state', () => {
  test('streams sharing their work arrays give, interleaved, exactly what each gives alone (16-bit and float audio, chunks from 7 samples to 3 s, windows from 25 ms to 3 s)', async () => {
    const clipsPcm = await Promise.all(
      corpusClips.slice(0, 3).map(async (p) => Int16Array.from(await loadSamples(clip16k(p)), (v) => v * 32768)),
    );
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const offGrid = Float32Array.from({ length: 16000 * 4 }, (_, i) => 0.2 * Math.sin(i / 9) + (random() - 0.5) * 1e-3);
    // with a hop within 720 samples of the window, chunks a hop long make a stream drop its run's last frame
    // from its buffer while another stream holds the work arrays
    const inputs: Array<{ samples: Int16Array | Float32Array; chunks: number[] }> = [
      { samples: clipsPcm[0], chunks: [4000] },
      // with the 1 s window and 0.98 s hop: every chunk after the first starts at a window's end
      { samples: clipsPcm[0], chunks: [16000, ...new Array<number>(20).fill(15680)] },
      { samples: clipsPcm[1], chunks: [1234, 48000, 160, 7777, 15680] },
      { samples: clipsPcm[2], chunks: [48000, 397] },
      { samples: offGrid, chunks: [999, 48000, 15680] },
      // with the 25 ms window: chunks too short for the next frame, after the run's last frame left the buffer
      { samples: clipsPcm[2], chunks: [10, 150, 7] },
    ];
    const chunked = inputs.map(({ samples, chunks }) => {
      const parts: Array<Int16Array | Float32Array> = [];
      for (let i = 0, k = 0; i < samples.length; i += chunks[k % chunks.length], k++) {
        parts.push(samples.subarray(i, i + chunks[k % chunks.length]));
      }
      return parts;
    });
    for (const [trimSilence, windowSeconds, hopSeconds] of [
      [false, 3, 1],
      [true, 3, 1],
      [false, 1, 0.98],
      [false, 0.025, 0.01],
    ] as const) {
      const options = { trimSilence, windowSeconds, hopSeconds };
      const alone = chunked.map((parts, s) => {
        const stream = new FeatureWindowStream(`s${s}`, options);
        return [...parts.flatMap((part) => stream.push(part)), ...stream.end()].map((w) => w.vector);
      });
      const shared = new WindowScratch();
      const streams = chunked.map((_, s) => new FeatureWindowStream(`s${s}`, options, shared));
      const together: number[][][] = chunked.map(() => []);
      for (let k = 0; k < Math.max(...chunked.map((parts) => parts.length)); k++) {
        chunked.forEach((parts, s) => {
          if (k < parts.length) together[s].push(...streams[s].push(parts[k]).map((w) => w.vector));
        });
      }
      streams.forEach((stream, s) => together[s].push(...stream.end().map((w) => w.vector)));
      assert.deepEqual(together, alone);
      assert.ok(alone.every((vectors) => vectors.length >= 2));
    }
  });

  test('interleaved streams through the operator give each stream its own windows', async () => {
    const a = await loadSamples(clip16k(corpusClips[0]));
    const b = await loadSamples(clip16k(corpusClips[1]));
    const chunks: AudioChunk[] = [];
    for (let i = 0, seq = 0; i < Math.max(a.length, b.length); i += 3200, seq++) {
      if (i < a.length)
        chunks.push({
          streamId: 'a',
          seq,
          timestamp: i / 16,
          sampleRate: 16000,
          samples: a.subarray(i, i + 3200),
          final: i + 3200 >= a.length,
        });
      if (i < b.length)
        chunks.push({
          streamId: 'b',
          seq,
          timestamp: i / 16,
          sampleRate: 16000,
          samples: b.subarray(i, i + 3200),
          final: i + 3200 >= b.length,
        });
    }
    const windows = await lastValueFrom(
      from(chunks).pipe(featureWindows({ trimSilence: false, windowSeconds: 2, hopSeconds: 1 }), toArray()),
    );
    for (const [id, samples] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const own = windows.filter((w) => w.streamId === id);
      const direct = streamAll(
        new FeatureWindowStream(id, { trimSilence: false, windowSeconds: 2, hopSeconds: 1 }),
        samples,
        samples.length,
      );
      assert.deepEqual(
        own.map((w) => w.vector),
        direct.map((w) => w.vector),
      );
    }
  });

  test('the operator rejects other sample rates', async () => {
    const chunk: AudioChunk = { streamId: 'x', seq: 0, timestamp: 0, sampleRate: 44100, samples: new Float32Array(100) };
    await assert.rejects(lastValueFrom(from([chunk]).pipe(featureWindows({ trimSilence: false }))), /16000 Hz/);
  });

  test('streams are capped (new ones refused while every place is active, then the least recently used dropped), expire when idle, end on final', () => {
    let now = 0;
    const streams = new FeatureWindowRegistry(
      resolveFeatureWindowOptions({ trimSilence: false }),
      { maxStreams: 300, idleSeconds: 10 },
      () => now,
    );
    const chunk = new Float32Array(1600).map((_, i) => 0.1 * Math.sin(i / 3));
    for (let i = 0; i < 500; i++) streams.push(`s${i}`, chunk, undefined, false);
    assert.equal(streams.size, 300);
    assert.equal(streams.refused, 200, 'the 200 streams beyond the 300 places, all heard within 5 s, refused');
    assert.equal(streams.dropped, 0);
    assert.equal(streams.ids().includes('s0'), true);
    assert.equal(streams.ids().includes('s499'), false);
    const perStream = streams.footprintBytes() / streams.size;
    assert.ok(perStream < 1_000_000, `per-stream state ${perStream} bytes`);
    now = 4000;
    streams.push('s0', chunk, undefined, false);
    now = 5000;
    streams.push('s499', chunk, undefined, false);
    assert.equal(streams.ids().includes('s499'), true, 's1, quiet for 5 s, made room');
    assert.equal(streams.ids().includes('s1'), false);
    assert.deepEqual([streams.dropped, streams.size], [1, 300]);
    now = 13_500;
    streams.sweep();
    assert.deepEqual(streams.ids(), ['s0', 's499']);
    streams.push('s499', chunk, undefined, true);
    streams.push('s0', chunk, undefined, true);
    assert.equal(streams.size, 0);
    streams.dispose();
  });

  test('a stream holds what it was sent: one 0.1 s chunk, tens of KB; a full 3 s window, at most 200,000 bytes, as the heap measures it', async () => {
    const streams = new FeatureWindowRegistry(resolveFeatureWindowOptions({ trimSilence: true }), { maxStreams: 1000 });
    const speech = new Int16Array(3.2 * 16000).map((_, i) => Math.round(3000 * Math.sin(i / 7)));
    for (let i = 0; i < 50; i++) streams.push(`short${i}`, speech.subarray(0, 1600), undefined, false);
    const perShortStream = streams.footprintBytes() / 50;
    assert.ok(perShortStream < 40_000, `a stream sent 0.1 s holds ${perShortStream} bytes`);
    streams.reset();
    const streamCount = 300;
    const before = await heapAndTypedArrayBytes();
    for (let i = 0; i < streamCount; i++) streams.push(`full${i}`, speech, undefined, false);
    const grown = (await heapAndTypedArrayBytes()) - before;
    const perFullStream = streams.footprintBytes() / streamCount;
    // a window of 48,000 16-bit samples (96 KB), the records of its 298 frames and 2 more (294 bytes
    // each) and their 1,200 40-sample blocks (8 bytes each): 199,766 bytes with the rest
    assert.ok(perFullStream <= 200_000, `a stream past its first 3 s window holds ${perFullStream} bytes`);
    // what the count says is what the heap holds (V8 heap and typed-array memory), within 10%
    const measured = grown / streamCount;
    assert.ok(Math.abs(measured - perFullStream) < 0.1 * perFullStream, `counted ${perFullStream} bytes a stream, measured ${measured}`);
    streams.dispose();
  });

  test('a memory budget drops the least recently used streams and counts them', () => {
    const chunk = new Float32Array(16000).map((_, i) => Math.round(3000 * Math.sin(i / 7)) / 32768);
    const streams = new FeatureWindowRegistry(resolveFeatureWindowOptions({ trimSilence: false }), {
      maxStreams: 10000,
      maxBytes: 4 * 1024 * 1024,
    });
    for (let i = 0; i < 200; i++) streams.push(`s${i}`, chunk, undefined, false);
    assert.ok(streams.footprintBytes() <= 4 * 1024 * 1024, `held ${streams.footprintBytes()} bytes`);
    assert.ok(streams.size > 10 && streams.size < 200, `streams kept: ${streams.size}`);
    assert.equal(streams.dropped, 200 - streams.size);
    assert.ok(streams.ids().includes('s199') && !streams.ids().includes('s0'));
    // the bytes counted are the streams' own as they grow, end and are reset: none left at the end
    streams.push('s199', chunk, undefined, false);
    streams.push('s198', chunk, undefined, true);
    for (const id of streams.ids()) streams.reset(id);
    assert.equal(streams.size, 0);
    assert.equal(streams.footprintBytes(), 0);
    assert.throws(() => new FeatureWindowRegistry(resolveFeatureWindowOptions(), { maxBytes: 0 }), /maxBytes must be > 0/);
    streams.dispose();
  });

  test('a long stream keeps its memory bounded', () => {
    const stream = new FeatureWindowStream('long', { trimSilence: false });
    const chunk = new Float32Array(16000).map(() => Math.random() * 0.2 - 0.1);
    let count = 0;
    for (let s = 0; s < 4; s++) count += stream.push(chunk).length;
    // the state grows with the first window, then no more
    const afterFirstWindows = stream.footprintBytes;
    for (let s = 4; s < 60; s++) count += stream.push(chunk).length;
    assert.equal(count, 58);
    assert.equal(stream.footprintBytes, afterFirstWindows);
  });

  test('a chunk refused for a non-finite sample leaves the stream as it was (chunks that do not cross a window fill)', async () => {
    const samples = await loadSamples(clip16k(corpusClips[2]));
    const clean = new FeatureWindowStream('clean', { trimSilence: false, windowSeconds: 1, hopSeconds: 0.5 });
    const refused = new FeatureWindowStream('refused', { trimSilence: false, windowSeconds: 1, hopSeconds: 0.5 });
    const a = [];
    const b = [];
    // 800 divides the 8000-sample hop, so no chunk completes a window part way through
    for (let i = 0, n = 0; i < samples.length; i += 800, n++) {
      const chunk = samples.subarray(i, i + 800);
      if (n % 5 === 3) {
        // other audio with one bad sample, at the start, inside, or at the end
        const bad = Float32Array.from(chunk, (v) => 0.5 - v);
        bad[[0, 390, bad.length - 1][n % 3]] = n % 2 ? NaN : Infinity;
        assert.throws(() => refused.push(bad), /not a finite number/);
      }
      a.push(...clean.push(chunk));
      b.push(...refused.push(chunk));
    }
    assert.ok(a.length >= 4);
    assert.deepEqual(
      b.map((w) => w.vector),
      a.map((w) => w.vector),
    );
  });

  test('fuzzed input: non-finite samples and bad options throw clear errors, never crash', () => {
    const stream = new FeatureWindowStream('f', { trimSilence: false });
    assert.throws(() => stream.push([0.1, NaN, 0.2]), /not a finite number/);
    assert.throws(() => stream.push([0.1, 'x' as unknown as number]), /not a finite number/);
    assert.throws(() => new FeatureWindowStream('f', { trimSilence: false, windowSeconds: 0 }), /windowSeconds/);
    assert.throws(() => new FeatureWindowStream('f', { trimSilence: false, hopSeconds: NaN }), /hopSeconds/);
    assert.throws(() => new FeatureWindowStream('f', { trimSilence: false, profile: 'other' as 'paper' }), /profile/);
    for (let trial = 0; trial < 50; trial++) {
      const s = new FeatureWindowStream('fz', { trimSilence: false, windowSeconds: 0.5, hopSeconds: 0.1 });
      const len = Math.floor(Math.random() * 20000);
      const samples = new Float32Array(len).map(() => (Math.random() < 0.5 ? 0 : (Math.random() * 2 - 1) * Math.random() ** 8));
      for (const w of streamAll(s, samples, 1 + Math.floor(Math.random() * 3000))) {
        assert.ok(w.vector.every(Number.isFinite), 'finite vector');
      }
    }
  });
});

describe('extended profile', () => {
  test('paper 68 + 13 named statistics; YIN finds the F0 of a harmonic tone; profiles never mix', () => {
    const profile = getFeatureProfile('extended');
    assert.equal(profile.vectorLength, 81);
    assert.equal(profile.vectorNames.length, 81);
    const tone = new Float32Array(32000).map(
      (_, i) => 0.3 * Math.sin((2 * Math.PI * 140 * i) / 16000) + 0.2 * Math.sin((2 * Math.PI * 280 * i) / 16000 + 1),
    );
    const v = profile.clipVector(tone);
    assert.equal(v.length, 81);
    assert.ok(Math.abs(v[68] - 140) < 1, `f0 mean ${v[68]}`);
    assert.ok(v[72] > 0.9, `voiced share ${v[72]}`);
    assert.deepEqual(Array.from(v.subarray(0, 68)), Array.from(getFeatureProfile('paper').clipVector(tone)));
    const silent = profile.clipVector(new Float32Array(16000));
    assert.equal(silent[72], 0);
    assert.ok(silent.every(Number.isFinite));
    assert.throws(() => assertFeatureProfile('paper', 'extended'), /expects "paper".*got "extended"/);
    assert.throws(() => getFeatureProfile('nope'), /unknown feature profile/);
  });

  test('YIN tracks a real male and female voice in a plausible range', async () => {
    const tracker = new YinPitchTracker({ sampleRate: 16000, minF0: 60, maxF0: 500, threshold: 0.15 });
    for (const [p, lo, hi] of [
      [maleClip, 70, 250],
      [femaleClip, 120, 400],
    ] as const) {
      const samples = await loadSamples(clip16k(p));
      const f0s = [];
      for (let i = 0; i + tracker.frameLength <= samples.length; i += 160) {
        const f = tracker.estimate(samples, i);
        if (f > 0) f0s.push(f);
      }
      f0s.sort((x, y) => x - y);
      const median = f0s[f0s.length >> 1];
      assert.ok(f0s.length > 20 && median > lo && median < hi, `${p}: ${f0s.length} voiced, median ${median}`);
    }
  });

  test('streaming extended windows carry 81 numbers', () => {
    const tone = new Float32Array(40000).map((_, i) => 0.3 * Math.sin((2 * Math.PI * 200 * i) / 16000));
    const windows = streamAll(
      new FeatureWindowStream('e', { trimSilence: false, profile: 'extended', windowSeconds: 1, hopSeconds: 0.5 }),
      tone,
      4000,
    );
    assert.ok(windows.length >= 3);
    for (const w of windows) {
      assert.equal(w.vector.length, 81);
      assert.equal(w.profile, 'extended');
    }
  });
});
