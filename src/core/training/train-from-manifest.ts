import { EMOTIONS } from '../messages';
import { corpusFeatures, loadFeatureProfile } from './corpus-features';
import { readManifest } from './corpus-manifest';
import { EmotionModel } from '../model/emotion-model';
import { concatVectors } from './labelled-vectors';
import { noiseAugmentedFeatures, otherSpeakersPool } from './noise-augmentation';
import { TASK_CLASSES } from '../model/emotion-tasks';
import { MODEL_FORMAT, type ModelMetadata } from '../model/model-metadata';
import { packageVersion } from '../model/package-paths';
import { trainMtADnn, type EpochReport } from './train-mt-a-dnn';
import type { TrainingOptions } from './training-options';

export interface TrainFromManifestOptions {
  manifest: string;
  profile: string;
  augment: boolean;
  training: TrainingOptions;
  dataLicence?: string;
  onFeatures?: (done: number, total: number, what?: string) => void;
  onEpoch?: (report: EpochReport) => void;
}

/** Reads a manifest, extracts (cached) features, trains MT-A-DNN and returns it with full metadata. */
export async function trainFromManifest(options: TrainFromManifestOptions): Promise<EmotionModel> {
  const { entries } = await readManifest(options.manifest);
  const profile = loadFeatureProfile(options.profile);
  const clean = await corpusFeatures(entries, profile, {
    augment: options.augment,
    speechOnly: options.training.speechOnly,
    denoise: options.training.denoise,
    onProgress: options.onFeatures,
  });
  const noise = options.training.noiseAugmentation;
  const data =
    noise && noise.copies > 0
      ? concatVectors(
          clean,
          await noiseAugmentedFeatures(entries, profile, noise, {
            pool: otherSpeakersPool(entries),
            speechOnly: options.training.speechOnly,
            denoise: options.training.denoise,
            onProgress: options.onFeatures && ((d, t) => options.onFeatures!(d, t, 'noisy copies')),
          }),
        )
      : clean;
  const net = await trainMtADnn(data, options.training, options.onEpoch);
  const metadata: ModelMetadata = {
    format: MODEL_FORMAT,
    formatVersion: 1,
    packageVersion: packageVersion(),
    createdAt: new Date().toISOString(),
    classes: {
      emotion: [...EMOTIONS],
      valence: [...TASK_CLASSES.valence],
      activation: [...TASK_CLASSES.activation],
    },
    featureProfile: profile.name,
    vectorLength: profile.vectorLength,
    architecture: net.architecture,
    standardisation: net.standardisation,
    normalisation: net.normalisation,
    speechOnly: options.training.speechOnly,
    denoise: !!options.training.denoise,
    training: {
      manifest: options.manifest,
      clips: entries.length,
      speakers: new Set(entries.map((e) => e.speaker)).size,
      examples: data.vectors.length,
      epochs: net.epochs,
      options: options.training,
      dataLicence: options.dataLicence,
    },
  };
  return new EmotionModel(net.model, metadata);
}
