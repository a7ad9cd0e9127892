import type { ClipFeatureProfile } from './corpus-features';
import type { ManifestEntry } from './corpus-manifest';
import { concatVectors, type LabelledVectors } from './labelled-vectors';
import { noiseAugmentedFeatures, sameFoldPool, type BabblePool } from './noise-augmentation';
import { roomDeviceAugmentedFeatures } from './room-device-augmentation';
import { speedPerturbedFeatures } from './speed-perturbation';
import type { TrainingOptions } from './training-options';

/**
 * Every augmented training copy the training options ask for besides the clean clips: noisy copies
 * (babble from `pool`), speed-perturbed copies and room-and-device copies, in that order. Undefined if the options ask for none.
 */
export async function augmentedTrainingCopies(
  entries: ManifestEntry[],
  profile: ClipFeatureProfile,
  training: TrainingOptions,
  pool: BabblePool,
  onProgress?: (done: number, total: number, what: string) => void,
): Promise<LabelledVectors | undefined> {
  const frontEnd = { speechOnly: training.speechOnly, denoise: training.denoise };
  const parts: LabelledVectors[] = [];
  const noise = training.noiseAugmentation;
  if (noise && noise.copies > 0) {
    parts.push(
      await noiseAugmentedFeatures(entries, profile, noise, {
        pool,
        ...frontEnd,
        onProgress: onProgress && ((d, t) => onProgress(d, t, 'noisy copies')),
      }),
    );
  }
  const speed = training.speedPerturbation;
  if (speed) {
    parts.push(
      await speedPerturbedFeatures(entries, profile, speed, {
        ...frontEnd,
        onProgress: onProgress && ((d, t) => onProgress(d, t, 'speed copies')),
      }),
    );
  }
  const room = training.roomDevice;
  if (room && room.copies > 0) {
    parts.push(
      await roomDeviceAugmentedFeatures(entries, profile, {
        ...room,
        ...frontEnd,
        onProgress: onProgress && ((d, t) => onProgress(d, t, 'room copies')),
      }),
    );
  }
  return parts.length ? parts.reduce(concatVectors) : undefined;
}

/**
 * The augmented copies cross-validation needs for these training options: babble from the same fold group
 * only, so crossValidate with the same folds and seed never mixes a test speaker into training.
 */
export function crossValidationTrainingCopies(
  entries: ManifestEntry[],
  profile: ClipFeatureProfile,
  training: TrainingOptions,
  folds: { folds: number; seed: number },
  onProgress?: (done: number, total: number, what: string) => void,
): Promise<LabelledVectors | undefined> {
  return augmentedTrainingCopies(entries, profile, training, sameFoldPool(entries, folds.folds, folds.seed), onProgress);
}
