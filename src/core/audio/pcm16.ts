/** Float samples in [-1, 1] to signed 16-bit little-endian PCM (clipped, rounded). */
export function floatToPcm16(samples: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i] * 32768);
    out.writeInt16LE(v > 32767 ? 32767 : v < -32768 ? -32768 : v, i * 2);
  }
  return out;
}

/** Signed 16-bit little-endian PCM to float samples (exactly int16 / 32768). */
export function pcm16ToFloat(bytes: Uint8Array): Float32Array {
  if (bytes.length % 2 !== 0) throw new RangeError(`16-bit PCM needs an even number of bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}
