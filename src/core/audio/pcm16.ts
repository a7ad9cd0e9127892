/** Typed arrays use the host's byte order; 16-bit PCM here is little-endian, as every supported host is. */
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const PCM_SCALE = 1 / 32768;

/** Float samples in [-1, 1] to signed 16-bit little-endian PCM (clipped, rounded). */
export function floatToPcm16(samples: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length * 2);
  if (!HOST_IS_LITTLE_ENDIAN) {
    for (let i = 0; i < samples.length; i++) out.writeInt16LE(clampToInt16(samples[i]), i * 2);
    return out;
  }
  // allocUnsafe takes small buffers from a pool at offsets that are multiples of 8
  const pcm = new Int16Array(out.buffer, out.byteOffset, samples.length);
  for (let i = 0; i < samples.length; i++) pcm[i] = clampToInt16(samples[i]);
  return out;
}

function clampToInt16(sample: number): number {
  const v = Math.round(sample * 32768);
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

/** Signed 16-bit little-endian PCM to float samples (exactly int16 / 32768). */
export function pcm16ToFloat(bytes: Uint8Array): Float32Array {
  return int16ToFloat(pcm16View(bytes));
}

/**
 * Signed 16-bit little-endian PCM bytes as an Int16Array: a view of the same memory when the bytes
 * start on an even address (as Node's Buffers do), else one copy.
 */
export function pcm16View(bytes: Uint8Array): Int16Array {
  if (bytes.length % 2 !== 0) throw new RangeError(`16-bit PCM needs an even number of bytes, got ${bytes.length}`);
  if (!HOST_IS_LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return Int16Array.from({ length: bytes.length / 2 }, (_, i) => view.getInt16(i * 2, true));
  }
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2);
  return new Int16Array(bytes.slice().buffer, 0, bytes.length / 2);
}

/** 16-bit samples to floats (exactly int16 / 32768). */
export function int16ToFloat(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = pcm[i] * PCM_SCALE;
  return out;
}

/** The bytes of an Int16Array as a little-endian PCM Buffer, without a copy. */
export function pcm16Bytes(pcm: Int16Array): Buffer {
  if (!HOST_IS_LITTLE_ENDIAN) {
    const out = Buffer.allocUnsafe(pcm.length * 2);
    for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i], i * 2);
    return out;
  }
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}
