import { corpusFeatures, type ClipFeatureProfile } from './corpus-features';
import type { ManifestEntry } from './corpus-manifest';
import { appendCopy, type LabelledVectors } from './labelled-vectors';
import { drawRoomDevice, simulateRoomDevice } from './room-device-simulation';
import { SeededRandom, seedFrom } from './seeded-random';

/** Copies of every training clip as heard in simulated rooms through simulated devices. */
export interface RoomDeviceAugmentation {
  /** Copies per clip besides the clean one (and any noisy or speed copies). */
  copies: number;
  /** Seed of each clip's and copy's drawn condition. */
  seed: number;
}

/** The seed of the room and device conditions the generalisation runs measured (docs/evaluation.md). */
export const DEFAULT_ROOM_DEVICE_SEED = 11;

/**
 * Feature vectors of `copies` versions of every clip as heard in a simulated room through a simulated
 * device (reverberation, band limits; one condition per clip and copy, seeded). Each speaker's copy k is
 * a stream of its own, as the same speaker in another room would be at inference. Cached like any corpus features.
 */
export async function roomDeviceAugmentedFeatures(
  entries: ManifestEntry[],
  profile: ClipFeatureProfile,
  options: RoomDeviceAugmentation & {
    speechOnly: boolean;
    denoise?: boolean;
    cacheDir?: string;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<LabelledVectors> {
  const out: LabelledVectors & { streams: string[] } = { vectors: [], labels: [], speakers: [], clips: [], streams: [] };
  for (let copy = 1; copy <= options.copies; copy++) {
    const data = await corpusFeatures(entries, profile, {
      speechOnly: options.speechOnly,
      denoise: options.denoise,
      cacheDir: options.cacheDir,
      onProgress:
        options.onProgress && ((done) => options.onProgress!((copy - 1) * entries.length + done, options.copies * entries.length)),
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
