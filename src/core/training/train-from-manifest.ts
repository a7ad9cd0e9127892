import { isDeepStrictEqual } from 'node:util';
import { EMOTIONS } from '../messages';
import { corpusFeatures, loadFeatureProfile } from './corpus-features';
import { readManifest, type ManifestEntry } from './corpus-manifest';
import { EmotionModel } from '../model/emotion-model';
import { concatVectors, type LabelledVectors } from './labelled-vectors';
import { otherSpeakersPool } from './noise-augmentation';
import { augmentedTrainingCopies } from './training-copies';
import { TASK_CLASSES } from '../model/emotion-tasks';
import { MODEL_FORMAT, type ModelMetadata } from '../model/model-metadata';
import { packageVersion } from '../model/package-paths';
import { trainMtADnn, type EpochReport } from './train-mt-a-dnn';
import { mergeTrainingOptions, type TrainingOptions } from './training-options';

export interface TrainFromManifestOptions {
  /** One manifest, or one per corpus: a corpus's noisy copies take their babble from its own other speakers only. */
  manifest: string | readonly string[];
  profile: string;
  augment: boolean;
  training: TrainingOptions;
  /** Nets to train (seeds training.seed, +1, ...) and save as one ensemble; default 1. */
  ensemble?: number;
  dataLicence?: string;
  onFeatures?: (done: number, total: number, what?: string) => void;
  onEpoch?: (report: EpochReport) => void;
}

/** Reads the manifest(s), extracts (cached) features, trains MT-A-DNN and returns it with full metadata. */
export async function trainFromManifest(options: TrainFromManifestOptions): Promise<EmotionModel> {
  const manifests = typeof options.manifest === 'string' ? [options.manifest] : [...options.manifest];
  if (manifests.length === 0) throw new Error('no manifest to train on');
  const profile = loadFeatureProfile(options.profile);
  const entries: ManifestEntry[] = [];
  const parts: LabelledVectors[] = [];
  const speakersSeen = new Map<string, string>();
  for (const manifest of manifests) {
    const corpus = (await readManifest(manifest)).entries;
    for (const speaker of new Set(corpus.map((e) => e.speaker))) {
      const other = speakersSeen.get(speaker);
      if (other !== undefined)
        throw new Error(`speaker "${speaker}" is in both ${other} and ${manifest}: give each corpus its own speaker ids`);
      speakersSeen.set(speaker, manifest);
    }
    entries.push(...corpus);
    parts.push(
      await corpusFeatures(corpus, profile, {
        augment: options.augment,
        speechOnly: options.training.speechOnly,
        denoise: options.training.denoise,
        onProgress: options.onFeatures,
      }),
    );
    const copies = await augmentedTrainingCopies(corpus, profile, options.training, otherSpeakersPool(corpus), options.onFeatures);
    if (copies) parts.push(copies);
  }
  const data = parts.reduce(concatVectors);
  const ensemble = options.ensemble ?? 1;
  if (!Number.isInteger(ensemble) || ensemble < 1) throw new Error(`ensemble must be a whole number >= 1 (got ${ensemble})`);
  const nets = [];
  for (let m = 0; m < ensemble; m++) {
    nets.push(await trainMtADnn(data, mergeTrainingOptions(options.training, { seed: options.training.seed + m }), options.onEpoch));
  }
  const net = nets[0];
  // The members share metadata.json's standardisation: with early stopping each seed holds out other validation
  // speakers and fits its own, which the format cannot hold.
  if (
    nets.some((n) => !isDeepStrictEqual(n.standardisation, net.standardisation) || !isDeepStrictEqual(n.normalisation, net.normalisation))
  ) {
    nets.forEach((n) => n.model.dispose());
    throw new Error(
      'the nets of an ensemble fitted different standardisations (early stopping holds out other speakers per seed): train an ensemble with --patience 0',
    );
  }
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
    ...(net.droppedFeatures ? { droppedFeatures: net.droppedFeatures } : {}),
    speechOnly: options.training.speechOnly,
    denoise: !!options.training.denoise,
    training: {
      manifest: manifests.join(', '),
      clips: entries.length,
      speakers: new Set(entries.map((e) => e.speaker)).size,
      examples: data.vectors.length,
      epochs: net.epochs,
      ...(ensemble > 1 ? { memberEpochs: nets.map((n) => n.epochs) } : {}),
      options: options.training,
      dataLicence: options.dataLicence,
    },
  };
  return new EmotionModel(
    nets.map((n) => n.model),
    metadata,
  );
}
