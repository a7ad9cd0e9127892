import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AudioFormatError, AudioStreamConverter, decodeAudioPayload } from '../../src/core';
import { fuzzInput, wavSeeds } from '../helpers/audio-fuzz-inputs';
import { randomInt, seededRandom } from '../helpers/random';

const RUNS = 10_000;

test(`${RUNS} mutated and random inputs: decoded sanely or refused with an AudioFormatError`, { timeout: 120_000 }, () => {
  const seeds = wavSeeds();
  const random = seededRandom(20261124);
  let decodedCount = 0;
  let refused = 0;
  const hints = [
    {},
    { sampleRate: 16000, channels: 1, bits: 16, encoding: 'signed-integer' },
    { sampleRate: 44100, channels: 2, bits: 32, encoding: 'floating-point' },
  ];
  for (let run = 0; run < RUNS; run++) {
    const input = fuzzInput(random, seeds);
    const hint = hints[randomInt(random, hints.length)];
    let decoded;
    try {
      decoded = decodeAudioPayload(input, hint);
    } catch (err) {
      if (!(err instanceof AudioFormatError)) {
        assert.fail(`run ${run}: ${(err as Error).name}: ${(err as Error).message} on ${input.subarray(0, 48).toString('hex')}`);
      }
      assert.ok(err.message.length > 10, 'the message says something');
      refused++;
      continue;
    }
    decodedCount++;
    const frames = decoded.channels[0].length;
    let samples = 0;
    for (const channel of decoded.channels) {
      assert.equal(channel.length, frames, `run ${run}: channels differ in length`);
      samples += channel.length;
      for (let i = 0; i < channel.length; i++) assert.ok(Number.isFinite(channel[i]), `run ${run}: sample ${i} is ${channel[i]}`);
    }
    // Memory is bounded by the input: nothing a header claims is allocated beyond the bytes present.
    assert.ok(samples <= input.length, `run ${run}: ${samples} samples from ${input.length} bytes`);
    const converter = new AudioStreamConverter({ streamId: 'fuzz', chunkSamples: 4000 });
    for (const chunk of converter.push(decoded.channels, decoded.sampleRate, true)) {
      assert.ok(chunk.samples.every(Number.isFinite), `run ${run}: non-finite sample after resampling`);
    }
  }
  console.log(`# fuzz: ${decodedCount} decoded, ${refused} refused`);
  assert.ok(decodedCount > 100 && refused > 1000, 'the inputs exercise both paths');
});
