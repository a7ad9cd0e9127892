import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AudioFormatError, decodeAudioPayload, decodePcm, decodeWav } from '../../src/core';
import { clip16k, manifest, originalClip } from '../helpers/corpus';
import { readBytes, sox, soxFloatSamples, tempDir } from '../helpers/sox';

const dir = tempDir('wav-formats');
const source = originalClip(0); // real 48 kHz stereo speech

function assertSameAsSox(file: string, channels: number, tolerance: number) {
  const decoded = decodeWav(readBytes(file));
  const reference = soxFloatSamples(file);
  assert.equal(decoded.channels.length, channels);
  assert.equal(decoded.channels[0].length * channels, reference.length);
  let worst = 0;
  for (let c = 0; c < channels; c++) {
    const samples = decoded.channels[c];
    for (let i = 0; i < samples.length; i++) worst = Math.max(worst, Math.abs(samples[i] - reference[i * channels + c]));
  }
  assert.ok(worst <= tolerance, `${file}: largest difference to sox ${worst}`);
  return decoded;
}

describe('WAV decoder against what sox reads', () => {
  const cases: Array<[string, string[], number, number]> = [
    ['pcm8-unsigned', ['-e', 'unsigned-integer', '-b', '8'], 2, 1e-9],
    ['pcm16', ['-e', 'signed-integer', '-b', '16'], 2, 1e-9],
    ['pcm24', ['-e', 'signed-integer', '-b', '24'], 2, 1e-7],
    ['pcm32', ['-e', 'signed-integer', '-b', '32'], 2, 1e-7],
    ['float32', ['-e', 'floating-point', '-b', '32'], 2, 0],
    ['float64', ['-e', 'floating-point', '-b', '64'], 2, 1e-7],
  ];
  for (const [name, encoding, channels, tolerance] of cases) {
    test(name, () => {
      const file = join(dir, `${name}.wav`);
      sox([source, ...encoding, file]);
      const decoded = assertSameAsSox(file, channels, tolerance);
      assert.equal(decoded.sampleRate, 48000);
    });
  }

  test('WAVE_FORMAT_EXTENSIBLE with 6 channels at 44.1 kHz, 24-bit', () => {
    const file = join(dir, 'ext6.wav');
    sox([source, '-b', '24', '-r', '44100', file, 'remix', '1', '2', '1', '2', '1v0.5', '2v0.5']);
    assert.equal(readBytes(file).readUInt16LE(20), 0xfffe, 'sox wrote an extensible header');
    const decoded = assertSameAsSox(file, 6, 1e-7);
    assert.equal(decoded.sampleRate, 44100);
  });

  for (const rate of [8000, 192000]) {
    test(`rate ${rate} Hz`, () => {
      const file = join(dir, `rate${rate}.wav`);
      sox([source, '-r', String(rate), '-c', '1', '-b', '16', file]);
      assert.equal(assertSameAsSox(file, 1, 1e-9).sampleRate, rate);
    });
  }

  test('skips LIST and fact chunks, including an odd-sized one with its pad byte', () => {
    const wav = readBytes(clip16k(manifest()[0].path));
    const fmtEnd = 12 + 8 + wav.readUInt32LE(16);
    const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([5, 0, 0, 0]), Buffer.from('INFOx'), Buffer.from([0])]);
    const fact = Buffer.concat([Buffer.from('fact'), Buffer.from([4, 0, 0, 0]), Buffer.from([1, 2, 3, 4])]);
    const withChunks = Buffer.concat([wav.subarray(0, fmtEnd), list, fact, wav.subarray(fmtEnd)]);
    withChunks.writeUInt32LE(withChunks.length - 8, 4);
    const plain = decodeWav(wav);
    const decoded = decodeWav(withChunks);
    assert.deepEqual(decoded.channels[0], plain.channels[0]);
  });

  test('streaming writers: a data size of 0xFFFFFFFF means "to the end"', () => {
    const wav = Buffer.from(readBytes(clip16k(manifest()[1].path)));
    const dataAt = wav.indexOf('data');
    const expected = decodeWav(wav).channels[0];
    wav.writeUInt32LE(0xffffffff, dataAt + 4);
    assert.deepEqual(decodeWav(wav).channels[0], expected);
  });
});

describe('bad input says what is wrong', () => {
  const wav = readBytes(clip16k(manifest()[2].path));
  const dataAt = wav.indexOf('data');
  const cases: Array<[string, unknown, Record<string, unknown>, RegExp]> = [
    ['truncated WAV', wav.subarray(0, dataAt + 8 + 1000), {}, /truncated/],
    [
      'header claiming gigabytes',
      Buffer.concat([wav.subarray(0, dataAt + 4), Buffer.from([0, 0, 0, 0x7f]), wav.subarray(dataAt + 8)]),
      {},
      /claims 2130706432 bytes/,
    ],
    ['zero-length data', Buffer.concat([wav.subarray(0, dataAt + 4), Buffer.alloc(4)]), {}, /no audio/],
    ['MP3', Buffer.concat([Buffer.from('ID3'), Buffer.alloc(100)]), {}, /MP3/],
    [
      'random bytes without a format',
      Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]),
      {},
      /raw PCM payload without sampleRate, channels, bits, encoding/,
    ],
    ['empty buffer', Buffer.alloc(0), {}, /empty/],
    ['NaN floats', new Float32Array([0, NaN, 0]), { sampleRate: 16000 }, /sample 1 is NaN/],
    [
      'infinite float PCM',
      Buffer.from(new Float32Array([0, Infinity]).buffer),
      { sampleRate: 16000, channels: 1, bits: 32, encoding: 'floating-point' },
      /Infinity/,
    ],
    ['odd PCM length', Buffer.alloc(3), { sampleRate: 16000, channels: 1, bits: 16, encoding: 'signed-integer' }, /not a whole number/],
    ['rate out of range', Buffer.alloc(4), { sampleRate: 1000, channels: 1, bits: 16, encoding: 'signed-integer' }, /sample rate 1000/],
    ['unknown message shape', { some: 'object' }, {}, /expected a Buffer/],
    [
      'compressed WAV',
      (() => {
        const b = Buffer.from(wav);
        b.writeUInt16LE(0x55, 20);
        return b;
      })(),
      {},
      /format tag 0x0055/,
    ],
  ];
  for (const [name, payload, hint, message] of cases) {
    test(name, () => {
      assert.throws(
        () => decodeAudioPayload(payload, hint),
        (err: Error) => err instanceof AudioFormatError && message.test(err.message),
      );
    });
  }

  test('raw PCM in big-endian 24-bit decodes', () => {
    const bytes = Buffer.from([0x40, 0x00, 0x00, 0xc0, 0x00, 0x00]);
    const [mono] = decodePcm(bytes, { sampleRate: 16000, channels: 1, bits: 24, encoding: 'signed-integer', endian: 'big' });
    assert.deepEqual(Array.from(mono), [0.5, -0.5]);
  });
});
