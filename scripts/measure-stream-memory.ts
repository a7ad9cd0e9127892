/**
 * What a feature-window stream holds once its first window has filled: the bytes the registry counts (its
 * footprint, which Max memory and the status use) against what the process measures after garbage collection
 * (V8 heap plus typed arrays' bytes, and RSS), per stream, over N streams of 3.2 s of 16-bit audio each.
 *
 *   npx tsx scripts/measure-stream-memory.ts [--streams 1000] [--window 3] [--trim true|false]
 */
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FeatureWindowRegistry } from '../src/core/features/feature-window-registry';
import { resolveFeatureWindowOptions } from '../src/core/features/feature-window-stream';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    window: { type: 'string', default: '3' },
    trim: { type: 'string', default: 'true' },
  },
});
const streamCount = Number(values.streams);
const windowSeconds = Number(values.window);
const trimSilence = values.trim !== 'false';
if (!(Number.isInteger(streamCount) && streamCount > 0) || !(windowSeconds > 0)) {
  console.error('usage: npx tsx scripts/measure-stream-memory.ts [--streams N] [--window SECONDS] [--trim true|false]');
  process.exit(2);
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function measured() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  return { heapUsed, arrayBuffers, rss };
}

async function main() {
  const registry = new FeatureWindowRegistry(resolveFeatureWindowOptions({ windowSeconds, trimSilence }), {
    maxStreams: streamCount + 1,
    maxBytes: 64 * 1024 ** 3,
  });
  const audio = Int16Array.from({ length: Math.round((windowSeconds + 0.2) * 16000) }, (_, i) => Math.round(3000 * Math.sin(i / 7)));
  // one stream first, so that what every stream shares (work arrays, compiled code) is not counted
  registry.push('first', audio, undefined, false);
  const before = await measured();
  for (let i = 0; i < streamCount; i++) registry.push(`stream-${i}`, audio, undefined, false);
  const after = await measured();
  const per = (bytes: number) => Math.round(bytes / streamCount);
  const result = {
    streams: streamCount,
    windowSeconds,
    trimSilence,
    countedBytesPerStream: Math.round(registry.footprintBytes() / registry.size),
    measuredBytesPerStream: per(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers),
    heapBytesPerStream: per(after.heapUsed - before.heapUsed),
    typedArrayBytesPerStream: per(after.arrayBuffers - before.arrayBuffers),
    rssBytesPerStream: per(after.rss - before.rss),
  };
  registry.dispose();
  console.log(JSON.stringify(result, null, 2));
}

void main();
