import assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import {
  AudioStreamConverter,
  SincResampler,
  decodeWav,
  downmixToMono,
  int16ToFloat,
  passThroughPcm16,
  pcm16Bytes,
  toMonoAtRate,
} from '../../src/core';
import { MAX_TABLE_BYTES, resamplerTableBytes } from '../../src/core/audio/sinc-resampler';
import { clip16k, fullCorpusOnly, manifest, originalClip, originalClips } from '../helpers/corpus';
import { errorDb, readBytes, sox, soxFloatSamples, tempDir } from '../helpers/sox';

const dir = tempDir('resampler');

/** sox's own 16 kHz version of a file, down-mixed the same way (sox's float output: no dither to compare against). */
function soxAt16k(file: string, channels: number): Float32Array {
  const out = join(dir, `${basename(file)}.sox16k.wav`);
  sox([file, '-e', 'floating-point', '-b', '32', '-r', '16000', out]);
  const interleaved = soxFloatSamples(out);
  const split = Array.from({ length: channels }, (_, c) => interleaved.filter((_, i) => i % channels === c));
  return downmixToMono(split);
}

describe('resampling to 16 kHz matches sox -r 16000', () => {
  for (const file of originalClips()) {
    test(`${basename(file)} (48 kHz stereo) differs from sox by less than -60 dB`, () => {
      const decoded = decodeWav(readBytes(file));
      const ours = toMonoAtRate(decoded.channels, decoded.sampleRate);
      const reference = soxAt16k(file, 2);
      assert.equal(ours.length, reference.length);
      const db = errorDb(ours, reference);
      console.log(`# resampler ${basename(file)} 48k->16k vs sox: ${db.toFixed(1)} dB`);
      assert.ok(db < -60, `${db.toFixed(1)} dB`);
    });
  }
  fullCorpusOnly('the four 48 kHz stereo originals not in the fixtures differ from sox by less than -60 dB');

  // 11025 and 44100 need the most phases of the usual rates; 191999 and 8001 are odd ratios, read with fewer phases.
  for (const rate of [8000, 11025, 22050, 44100, 96000, 191999, 8001]) {
    test(`${rate} Hz speech differs from sox by less than -60 dB`, () => {
      const input = join(dir, `speech-${rate}.wav`);
      // Real speech at another rate: a 48 kHz original resampled by sox at its very-high quality.
      sox([originalClip(1), '-e', 'floating-point', '-b', '32', '-c', '1', input, 'rate', '-v', String(rate)]);
      const decoded = decodeWav(readBytes(input));
      const ours = toMonoAtRate(decoded.channels, decoded.sampleRate);
      const reference = soxAt16k(input, 1);
      assert.equal(ours.length, reference.length);
      const db = errorDb(ours, reference);
      console.log(`# resampler ${rate}->16k vs sox: ${db.toFixed(1)} dB`);
      assert.ok(db < -60, `${db.toFixed(1)} dB`);
    });
  }
});

describe('streaming resampling', () => {
  test('chunks of random sizes give exactly the samples of the whole file', () => {
    const decoded = decodeWav(readBytes(originalClip(2)));
    const mono = downmixToMono(decoded.channels);
    const whole = toMonoAtRate(decoded.channels, decoded.sampleRate);
    const resampler = new SincResampler(decoded.sampleRate, 16000);
    const pieces: Float32Array[] = [];
    let seed = 7;
    for (let at = 0; at < mono.length;) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      const size = 1 + (seed % 5000);
      pieces.push(resampler.process(mono.subarray(at, at + size)));
      at += size;
    }
    pieces.push(resampler.flush());
    const streamed = new Float32Array(pieces.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const p of pieces) {
      streamed.set(p, offset);
      offset += p.length;
    }
    assert.equal(streamed.length, whole.length);
    assert.deepEqual(streamed, whole);
  });

  test('16 kHz input passes through unchanged', () => {
    const decoded = decodeWav(readBytes(clip16k(manifest()[0].path)));
    assert.deepEqual(toMonoAtRate(decoded.channels, 16000), decoded.channels[0]);
  });

  test('a resampler keeps bounded history however long the stream', () => {
    const resampler = new SincResampler(44100, 16000);
    const second = new Float32Array(44100).map((_, i) => Math.sin(i / 10));
    const historySize = () => (resampler as unknown as { history: Float64Array }).history.length;
    for (let i = 0; i < 3; i++) resampler.process(second);
    const early = historySize();
    for (let i = 0; i < 120; i++) resampler.process(second);
    assert.equal(historySize(), early, 'history buffer grew with the length of the stream');
    assert.ok(early <= 3 * second.length, `history buffer of ${early} samples for pieces of ${second.length}`);
  });

  test('sixty streams at distinct odd rates near 192 kHz: tables bounded in bytes and quick to build', () => {
    const start = process.cpuUsage();
    const resamplers = Array.from({ length: 60 }, (_, i) => new SincResampler(192000 - 17 * (i + 1), 16000));
    const cpu = process.cpuUsage(start);
    for (const r of resamplers) r.process(new Float32Array(4));
    const tableBytes = resamplers.map((r) => (r as unknown as { table: { coefficients: Float32Array } }).table.coefficients.byteLength);
    assert.ok(Math.max(...tableBytes) <= MAX_TABLE_BYTES, `largest table ${Math.max(...tableBytes)} bytes`);
    assert.ok(resamplerTableBytes() <= 8 * 1024 * 1024, `shared tables ${resamplerTableBytes()} bytes`);
    // CPU time, not wall time: building sixty tables of 16,000 phases each took seconds before the byte budget.
    console.log(`# sixty odd-rate tables: ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`);
  });
});

describe('16 kHz mono 16-bit PCM passes through', () => {
  test('pushPcm16 gives the chunks of the same audio as floats, whole chunks as views of the input', () => {
    const pcm = Int16Array.from({ length: 10_000 }, (_, i) => Math.round(8000 * Math.sin(i / 5)));
    const floats = new AudioStreamConverter({ streamId: 's', chunkSamples: 4000, now: () => 0 });
    const passed = new AudioStreamConverter({ streamId: 's', chunkSamples: 4000, now: () => 0 });
    const expected = [
      ...floats.push([int16ToFloat(pcm.subarray(0, 2500))], 16000),
      ...floats.push([int16ToFloat(pcm.subarray(2500))], 16000, true),
    ];
    const chunks = [...passed.pushPcm16(pcm.subarray(0, 2500)), ...passed.pushPcm16(pcm.subarray(2500), true)];
    assert.deepEqual(
      chunks.map((c) => ({ ...c, samples: Array.from(c.samples), pcm16: undefined })),
      expected.map((c) => ({ ...c, samples: Array.from(c.samples), pcm16: undefined })),
    );
    assert.deepEqual(
      chunks.map((c) => c.pcm16!.length),
      [4000, 4000, 2000],
    );
    // the first chunk joins two pieces (one copy); the second lies wholly in the input
    assert.equal(chunks[1].pcm16!.buffer, pcm.buffer);
    assert.equal(pcm16Bytes(chunks[1].pcm16!).buffer, pcm.buffer);
  });

  test('16-bit PCM after float audio (and the other way) joins it in order', () => {
    const pcm = Int16Array.from({ length: 3000 }, (_, i) => (i * 37) % 20000);
    const c = new AudioStreamConverter({ streamId: 's', chunkSamples: 2000, now: () => 0 });
    const out = [
      ...c.push([int16ToFloat(pcm.subarray(0, 500))], 16000),
      ...c.pushPcm16(pcm.subarray(500, 2500)),
      ...c.push([int16ToFloat(pcm.subarray(2500))], 16000, true),
    ];
    assert.deepEqual(Array.from(out.flatMap((ch) => Array.from(ch.samples))), Array.from(int16ToFloat(pcm)));
  });

  test('only raw 16 kHz mono signed 16-bit little-endian PCM is passed through, as a view', () => {
    const bytes = Buffer.from(Int16Array.from([1, -2, 300, -32768, 32767]).buffer);
    const hint = { sampleRate: 16000, channels: 1, bits: 16, encoding: 'signed-integer' };
    const view = passThroughPcm16(bytes, hint)!;
    assert.deepEqual(Array.from(view), [1, -2, 300, -32768, 32767]);
    assert.equal(view.buffer, bytes.buffer);
    assert.equal(passThroughPcm16(bytes, { ...hint, sampleRate: 48000 }), undefined);
    assert.equal(passThroughPcm16(bytes, { ...hint, channels: 2 }), undefined);
    assert.equal(passThroughPcm16(bytes, { ...hint, endian: 'big' }), undefined);
    assert.equal(passThroughPcm16(Buffer.from('RIFF\0\0\0\0WAVEfmt '), hint), undefined);
  });
});
