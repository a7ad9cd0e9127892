import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { controlCommandOf, endsStream, formatHintOf, isEndOnly } from '../../src/core/audio/flow-audio-input';
import { clip16k, manifest } from '../helpers/corpus';

const DEFAULTS = { sampleRate: 16000, channels: 1, bits: 16, encoding: 'signed-integer' };

describe('audio from the flow', () => {
  const wav = readFileSync(clip16k(manifest()[0].path));

  test('a WAV ends its stream unless the message says otherwise; raw PCM does not', () => {
    assert.equal(endsStream({ payload: wav }), true);
    assert.equal(endsStream({ payload: wav, audio: { final: false } }), false);
    assert.equal(endsStream({ payload: wav, final: false }), false);
    assert.equal(endsStream({ payload: Buffer.alloc(640) }), false);
    assert.equal(endsStream({ payload: Buffer.alloc(640), final: true }), true);
  });

  test('a final message without audio only ends the stream', () => {
    assert.equal(isEndOnly({ final: true }), true);
    assert.equal(isEndOnly({ audio: { final: true }, payload: Buffer.alloc(0) }), true);
    assert.equal(isEndOnly({ final: true, payload: Buffer.alloc(2) }), false);
    assert.equal(isEndOnly({ payload: Buffer.alloc(0) }), false);
  });

  test('format: msg.audio before msg.format before top-level fields before the node defaults', () => {
    assert.deepEqual(formatHintOf({}, DEFAULTS), { ...DEFAULTS, endian: undefined });
    const top = { rate: 8000, channels: 2, bitwidth: 8, encoding: 'unsigned-integer', endian: 'big' };
    assert.deepEqual(formatHintOf(top, DEFAULTS), { sampleRate: 8000, channels: 2, bits: 8, encoding: 'unsigned-integer', endian: 'big' });
    const format = { sampleRate: 22050, channels: 1, bits: 32, encoding: 'floating-point' };
    assert.equal(formatHintOf({ ...top, format }, DEFAULTS).sampleRate, 22050);
    assert.equal(formatHintOf({ ...top, format }, DEFAULTS).bits, 32);
    const audio = { sampleRate: 44100, bits: 24 };
    assert.deepEqual(formatHintOf({ ...top, format, audio }, DEFAULTS), {
      sampleRate: 44100,
      channels: 1,
      bits: 24,
      encoding: 'floating-point',
      endian: 'big',
    });
    assert.equal(formatHintOf({ sampleRate: '' }, DEFAULTS).sampleRate, 16000, 'an empty field is not a value');
  });

  test('control words: "start" and "stop" in msg.command or msg.payload, any case', () => {
    assert.equal(controlCommandOf({ payload: 'start' }), 'start');
    assert.equal(controlCommandOf({ payload: ' STOP ' }), 'stop');
    assert.equal(controlCommandOf({ command: 'Start', payload: 'stop' }), 'start', 'msg.command wins');
    assert.equal(controlCommandOf({ payload: 'pause' }), undefined);
    assert.equal(controlCommandOf({ payload: true }), undefined);
  });
});
