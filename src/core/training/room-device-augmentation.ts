import { corpusFeatures, type ClipFeatureProfile } from './corpus-features';
import type { ManifestEntry } from './corpus-manifest';
import { appendCopy, type LabelledVectors } from './labelled-vectors';
import { drawRoomDevice, simulateRoomDevice } from './room-device-simulation';
import { SeededRandom, seedFrom } from './seeded-random';

/**
 * Feature vectors of `copies` versions of every clip as heard in a simulated room through a simulated
 * device (reverberation, band limits; one condition per clip and copy, seeded). Each speaker's copy k is
 * a stream of its own, as the same speaker in another room would be at inference. Cached like any corpus features.
 */
export async function roomDeviceAugmentedFeatures(
  entries: ManifestEntry[],
  profile: ClipFeatureProfile,
  options: { copies: number; seed: number; speechOnly: boolean; denoise?: boolean; cacheDir?: string },
): Promise<LabelledVectors> {
  const out: LabelledVectors & { streams: string[] } = { vectors: [], labels: [], speakers: [], clips: [], streams: [] };
  for (let copy = 1; copy <= options.copies; copy++) {
    const data = await corpusFeatures(entries, profile, {
      speechOnly: options.speechOnly,
      denoise: options.denoise,
      cacheDir: options.cacheDir,
      transformOf: (entry) => {
        const condition = drawRoomDevice(new SeededRandom(seedFrom(options.seed, 'room-device', entry.path, copy)));
        return {
          key: `room rt60 ${condition.rt60} wet ${condition.wet} band ${condition.highPassHz}-${condition.lowPassHz} Hz`,
          apply: (samples) => simulateRoomDevice(samples, condition),
        };
      },
    });
    appendCopy(out, data, (speaker) => `${speaker}|room ${copy}`);
  }
  return out;
}
