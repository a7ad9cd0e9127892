import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSamples } from './features-golden-fixtures';
import { clip16k, manifest } from '../helpers/corpus';
import { RealFft400 } from '../../src/core/features/real-fft-400';

/** |DFT|^2 of x[offset .. offset+400), bins 0..199, summed directly in long form. */
function directPowerSpectrum(x: ArrayLike<number>, offset: number): Float64Array {
  const out = new Float64Array(200);
  for (let k = 0; k < 200; k++) {
    let re = 0;
    let im = 0;
    for (let n = 0; n < 400; n++) {
      const angle = (-2 * Math.PI * ((k * n) % 400)) / 400;
      re += x[offset + n] * Math.cos(angle);
      im += x[offset + n] * Math.sin(angle);
    }
    out[k] = re * re + im * im;
  }
  return out;
}

for (const simd of [true, false]) {
  test(`the 400-point power spectrum (${simd ? 'WebAssembly SIMD' : 'JavaScript'}) equals the directly summed DFT on real speech, noise, a constant and an impulse`, async () => {
    const speech = await loadSamples(clip16k(manifest()[0].path));
    const noise = Float32Array.from({ length: 400 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1);
    const constant = new Float64Array(400).fill(0.25);
    const impulse = new Float64Array(400);
    impulse[137] = 1;
    const frames: [string, ArrayLike<number>, number][] = [
      ['noise', noise, 0],
      ['constant', constant, 0],
      ['impulse', impulse, 0],
    ];
    for (const offset of [8000, 16000, 24000]) frames.push([`speech @${offset}`, speech, offset]);
    const fft = new RealFft400({ simd });
    assert.equal(fft.usesSimd, simd);
    const power = new Float64Array(200);
    for (const [name, x, offset] of frames) {
      fft.powerSpectrum(x, offset, power);
      const expected = directPowerSpectrum(x, offset);
      let total = 0;
      for (const p of expected) total += p;
      for (let k = 0; k < 200; k++) {
        assert.ok(Math.abs(power[k] - expected[k]) <= 1e-12 * total + 1e-24, `${name} bin ${k}: ${power[k]} vs ${expected[k]}`);
      }
    }
  });
}

test('the comparison can fail: a spectrum one sample off differs', () => {
  const x = Float64Array.from({ length: 401 }, (_, i) => Math.cos(i * 0.37) + 0.1 * Math.sin(i * 2.1));
  const power = new Float64Array(200);
  new RealFft400().powerSpectrum(x, 1, power);
  const expected = directPowerSpectrum(x, 0);
  assert.ok(power.some((p, k) => Math.abs(p - expected[k]) > 1e-6));
});
