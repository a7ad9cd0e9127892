/**
 * What a feature-window stream holds once its first window has filled: the bytes the registry counts (its
 * footprint, which Max memory and the status use) against what the process measures after garbage collection
 * (V8 heap plus typed arrays' bytes, and RSS), per stream, over N streams of a window and 0.2 s of 16-bit audio each,
 * sent at once or in chunks of --chunk samples.
 *
 *   npx tsx scripts/measure-stream-memory.ts [--streams 1000] [--window 3] [--hop 1] [--trim true|false] [--chunk SAMPLES]
 */
import { parseArgs } from 'node:util';
import { FeatureWindowRegistry } from '../src/core/features/feature-window-registry';
import { resolveFeatureWindowOptions } from '../src/core/features/feature-window-stream';
import { memoryAfterGc } from '../test/helpers/memory-after-gc';

const { values } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    window: { type: 'string', default: '3' },
    hop: { type: 'string', default: '1' },
    trim: { type: 'string', default: 'true' },
    chunk: { type: 'string', default: '0' },
  },
});
const streamCount = Number(values.streams);
const windowSeconds = Number(values.window);
const hopSeconds = Number(values.hop);
const trimSilence = values.trim !== 'false';
const chunk = Number(values.chunk);
if (
  !(Number.isInteger(streamCount) && streamCount > 0) ||
  !(windowSeconds > 0) ||
  !(hopSeconds > 0) ||
  !(Number.isInteger(chunk) && chunk >= 0)
) {
  console.error(
    'usage: npx tsx scripts/measure-stream-memory.ts [--streams N] [--window SECONDS] [--hop SECONDS] [--trim true|false] [--chunk SAMPLES]',
  );
  process.exit(2);
}

async function main() {
  const registry = new FeatureWindowRegistry(resolveFeatureWindowOptions({ windowSeconds, hopSeconds, trimSilence }), {
    maxStreams: streamCount + 1,
    maxBytes: 64 * 1024 ** 3,
  });
  const audio = Int16Array.from({ length: Math.round((windowSeconds + 0.2) * 16000) }, (_, i) => Math.round(3000 * Math.sin(i / 7)));
  const send = (streamId: string) => {
    if (chunk === 0) registry.push(streamId, audio, undefined, false);
    else for (let at = 0; at < audio.length; at += chunk) registry.push(streamId, audio.subarray(at, at + chunk), undefined, false);
  };
  // one stream first, so that what every stream shares (work arrays, compiled code) is not counted
  send('first');
  const before = await memoryAfterGc();
  for (let i = 0; i < streamCount; i++) send(`stream-${i}`);
  const after = await memoryAfterGc();
  const per = (bytes: number) => Math.round(bytes / streamCount);
  const result = {
    streams: streamCount,
    windowSeconds,
    hopSeconds,
    trimSilence,
    chunk,
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
