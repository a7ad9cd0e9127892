import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAudioFileAs16kMono } from '../../src/core/audio/load-audio-file';
import {
  SAMPLE_RATE,
  biquad,
  drawRoomDevice,
  highPass,
  lowPass,
  schroederReverb,
  simulateRoomDevice,
} from '../../src/core/training/room-device-simulation';
import { SeededRandom } from '../../src/core/training/seeded-random';
import { goldenWav } from '../helpers/corpus';

const sine = (hz: number, seconds = 1) =>
  Float32Array.from({ length: seconds * SAMPLE_RATE }, (_, i) => Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE));

/** Level in dB of the second half (past the filter's transient). */
function levelDb(samples: Float32Array): number {
  const tail = samples.subarray(samples.length / 2);
  return 10 * Math.log10(tail.reduce((sum, s) => sum + s * s, 0) / tail.length);
}

/** Level in dB of the 20 ms block starting at `seconds`. */
function blockDb(samples: Float32Array, seconds: number): number {
  const start = Math.round(seconds * SAMPLE_RATE);
  const block = samples.subarray(start, start + 0.02 * SAMPLE_RATE);
  return 10 * Math.log10(block.reduce((sum, s) => sum + s * s, 0) / block.length);
}

describe('room and device simulation', () => {
  test("the reverberator's tail falls by 60 dB in rt60 seconds", () => {
    const impulse = new Float32Array(SAMPLE_RATE);
    impulse[0] = 1;
    for (const rt60 of [0.3, 0.6]) {
      const tail = schroederReverb(impulse, rt60);
      // Levels 0.1 and 0.25 s in, each averaged over three 20 ms blocks against the combs' ripple.
      const at = (t: number) => (blockDb(tail, t) + blockDb(tail, t + 0.02) + blockDb(tail, t + 0.04)) / 3;
      const fall = at(0.1) - at(0.25);
      const expected = (60 * 0.15) / rt60;
      assert.ok(Math.abs(fall - expected) < 0.1 * expected, `rt60 ${rt60}: fell ${fall.toFixed(1)} dB, expected ${expected.toFixed(1)}`);
    }
  });

  test('the device filters pass the voice band and cut outside it', () => {
    const lp = lowPass(4000);
    assert.ok(Math.abs(levelDb(biquad(sine(500), lp)) - levelDb(sine(500))) < 0.3);
    assert.ok(levelDb(sine(7000)) - levelDb(biquad(sine(7000), lp)) > 12);
    const hp = highPass(300);
    assert.ok(Math.abs(levelDb(biquad(sine(2000), hp)) - levelDb(sine(2000))) < 0.3);
    assert.ok(levelDb(sine(100)) - levelDb(biquad(sine(100), hp)) > 15);
  });

  test('a simulated recording of a real clip keeps its length and peak, changes its sound, and repeats per seed', async () => {
    const clip = await loadAudioFileAs16kMono(goldenWav('ravdess_03-01-05-01-01-02-03'));
    const condition = drawRoomDevice(new SeededRandom(5));
    assert.deepEqual(condition, drawRoomDevice(new SeededRandom(5)));
    assert.notDeepEqual(condition, drawRoomDevice(new SeededRandom(6)));
    assert.ok(condition.rt60 >= 0.2 && condition.rt60 <= 0.9 && condition.wet >= 0.15 && condition.wet <= 0.6);
    assert.ok(condition.highPassHz >= 60 && condition.highPassHz <= 400 && condition.lowPassHz >= 3400 && condition.lowPassHz <= 7600);
    const room = simulateRoomDevice(clip, condition);
    assert.equal(room.length, clip.length);
    const peak = (x: Float32Array) => x.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    assert.ok(Math.abs(peak(room) - peak(clip)) < 1e-6);
    let difference = 0;
    for (let i = 0; i < clip.length; i++) difference += (room[i] - clip[i]) ** 2;
    assert.ok(difference / clip.length > 1e-6, 'the simulation changes the audio');
    assert.deepEqual(simulateRoomDevice(clip, condition), room);
  });
});
