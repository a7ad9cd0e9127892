/**
 * The extended profile's loudness and spectral shape descriptors of one frame's amplitude spectrum
 * (hann-amplitude-spectrum.ts), defined as Meyda 5 defines them, which computed them before: vectors
 * and models made then stay valid. Where that definition departs from the textbook one it is kept
 * and marked below.
 */
export interface ExtendedDescriptors {
  /** total loudness: the sum over 24 Bark bands of (summed amplitude)^0.23 */
  loudness: number;
  spectralFlatness: number;
  spectralSlope: number;
  spectralKurtosis: number;
}

const BARK_BANDS = 24;

export class ExtendedDescriptorCalculator {
  /** first bin of each Bark band, and the end (exclusive) of the last */
  private readonly bandStarts: Int32Array;

  constructor(
    private readonly sampleRate: number,
    private readonly frameSize: number,
  ) {
    this.bandStarts = barkBandStarts(frameSize / 2, sampleRate, frameSize);
  }

  /** The four descriptors of `amplitudes` (bins 0 .. frameSize/2 - 1); silence gives NaN where a ratio is 0/0. */
  describe(amplitudes: Float32Array): ExtendedDescriptors {
    return {
      loudness: this.totalLoudness(amplitudes),
      spectralFlatness: spectralFlatness(amplitudes),
      spectralSlope: this.spectralSlope(amplitudes),
      spectralKurtosis: spectralKurtosis(amplitudes),
    };
  }

  private totalLoudness(amplitudes: Float32Array): number {
    let total = 0;
    for (let band = 0; band < BARK_BANDS; band++) {
      let sum = 0;
      for (let k = this.bandStarts[band]; k < this.bandStarts[band + 1]; k++) sum += amplitudes[k];
      total += Math.fround(sum ** 0.23);
    }
    return total;
  }

  /**
   * Least-squares slope of amplitude against frequency; the denominator is Σa (Σf² - (Σf)²), Meyda's,
   * where the textbook regression has n Σf² - (Σf)² and no Σa.
   */
  private spectralSlope(amplitudes: Float32Array): number {
    const n = amplitudes.length;
    let ampSum = 0;
    let freqSum = 0;
    let freqSquareSum = 0;
    let ampFreqSum = 0;
    for (let k = 0; k < n; k++) {
      const freq = (k * this.sampleRate) / this.frameSize;
      ampSum += amplitudes[k];
      freqSum += freq;
      freqSquareSum += freq * freq;
      ampFreqSum += freq * amplitudes[k];
    }
    return (n * ampFreqSum - freqSum * ampSum) / (ampSum * (freqSquareSum - freqSum ** 2));
  }
}

/** Geometric over arithmetic mean of the amplitudes (0 when any bin is 0). */
export function spectralFlatness(amplitudes: Float32Array): number {
  let logSum = 0;
  let sum = 0;
  for (let k = 0; k < amplitudes.length; k++) {
    logSum += Math.log(amplitudes[k]);
    sum += amplitudes[k];
  }
  return (Math.exp(logSum / amplitudes.length) * amplitudes.length) / sum;
}

/**
 * Kurtosis of the amplitudes taken as a distribution over bin numbers, from the raw moments
 * µi = Σ k^i a_k / Σ a_k: (-3µ1⁴ + 6µ1µ2 - 4µ1µ3 + µ4) / σ⁴. The textbook central fourth moment has
 * 6µ1²µ2; Meyda's 6µ1µ2 is kept.
 */
export function spectralKurtosis(amplitudes: Float32Array): number {
  let sum = 0;
  let m1 = 0;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let k = 0; k < amplitudes.length; k++) {
    const a = amplitudes[k];
    sum += a;
    m1 += k * a;
    m2 += k ** 2 * a;
    m3 += k ** 3 * a;
    m4 += k ** 4 * a;
  }
  const mu1 = m1 / sum;
  const mu2 = m2 / sum;
  const mu3 = m3 / sum;
  const mu4 = m4 / sum;
  const numerator = -3 * mu1 ** 4 + 6 * mu1 * mu2 - 4 * mu1 * mu3 + mu4;
  return numerator / Math.sqrt(mu2 - mu1 ** 2) ** 4;
}

/**
 * Bins of the 24 bands that split the Bark scale from 0 to the last bin's frequency evenly
 * (Bark = 13 atan(f / 1315.8) + 3.5 atan((f / 7518)²), rounded to float32). The last bin itself
 * belongs to no band.
 */
function barkBandStarts(bins: number, sampleRate: number, frameSize: number): Int32Array {
  const bark = Float32Array.from({ length: bins }, (_, k) => {
    const freq = (k * sampleRate) / frameSize;
    return 13 * Math.atan(freq / 1315.8) + 3.5 * Math.atan((freq / 7518) ** 2);
  });
  const top = bark[bins - 1];
  const starts = new Int32Array(BARK_BANDS + 1);
  let band = 1;
  let bandEnd = top / BARK_BANDS;
  for (let k = 0; k < bins; k++) {
    while (bark[k] > bandEnd) {
      starts[band++] = k;
      bandEnd = (band * top) / BARK_BANDS;
    }
  }
  starts[BARK_BANDS] = bins - 1;
  return starts;
}
