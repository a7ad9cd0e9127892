import type { Command } from 'commander';
import { DEFAULT_NOISE_AUGMENTATION } from '../core/training/noise-augmentation';
import { DEFAULT_ROOM_DEVICE_SEED } from '../core/training/room-device-augmentation';
import { droppedFeatureNames, FEATURE_GROUPS } from '../core/features/dropped-features';
import { getFeatureProfile } from '../core/features/feature-profile-registry';
import { checkSpeedFactors } from '../core/training/speed-perturbation';
import {
  DEFAULT_TRAINING_OPTIONS,
  PAPER_TRAINING_OPTIONS,
  mergeTrainingOptions,
  type TrainingOptions,
} from '../core/training/training-options';

/** Command-line flags shared by `train` and `evaluate --cv`. */
export interface TrainingFlags {
  profile: string;
  augment?: boolean;
  preset: 'default' | 'paper';
  seed: string;
  epochs?: string;
  patience?: string;
  attention?: 'vector' | 'scalar' | 'none';
  attentionScale?: 'paper' | 'units';
  lossWeights?: string;
  dropout?: string;
  l2?: string;
  classWeights: boolean;
  normalisation?: 'global' | 'per-stream';
  speechOnly?: boolean;
  noiseCopies?: string;
  denoise?: string;
  noiseSnr?: string;
  speedFactors?: string;
  speedStreams?: string;
  roomCopies?: string;
  dropFeatures?: string;
}

export function addTrainingFlags(command: Command): Command {
  return command
    .option('--profile <name>', 'feature profile: paper (68 values) or extended', 'paper')
    .option('--augment', "the paper's augmentation: train on crops of 85% of each clip every 0.03 s")
    .option('--preset <name>', "default (the shipped model's choices) or paper (as written)", 'default')
    .option('--seed <n>', 'seed for initialisation, shuffling, dropout and splits', '42')
    .option('--epochs <n>', 'maximum epochs')
    .option('--patience <n>', 'early stopping: epochs without better validation UAR (0 = off)')
    .option('--attention <kind>', 'vector (u per unit), scalar (one u) or none')
    .option('--attention-scale <s>', 'paper (z = α⊙y) or units (z = units·α⊙y)')
    .option('--loss-weights <e,v,a>', 'weights of the emotion, valence, activation losses, e.g. 1,0.5,0.5')
    .option('--dropout <rate>', 'dropout on the shared layer')
    .option('--l2 <x>', 'L2 penalty on kernels')
    .option('--no-class-weights', 'do not weight classes by inverse frequency')
    .option('--normalisation <mode>', 'per-stream (running per-speaker statistics) or global')
    .option('--speech-only <yes|no>', 'cut leading and trailing silence of each clip before features')
    .option('--denoise <yes|no>', "subtract each clip's stationary noise floor (spectral subtraction) before features")
    .option(
      '--noise-copies <n>',
      'noise augmentation: noisy copies (white, pink, babble) of every training clip besides the clean one (0 = none)',
    )
    .option('--noise-snr <min,max>', 'noise augmentation: range of signal-to-noise ratios in dB, e.g. 5,30')
    .option('--speed-factors <list>', 'speed perturbation: a copy of every clean training clip at each playback speed, e.g. 0.9,1.1')
    .option(
      '--speed-streams <unit>',
      'speed perturbation: each speed copy of a speaker is a stream of its own (copy) or joins its speaker (speaker)',
      'copy',
    )
    .option(
      '--room-copies <n>',
      `room and device augmentation: copies of every clean training clip in a simulated room heard through a simulated device (reverberation, band limits; seed ${DEFAULT_ROOM_DEVICE_SEED}; 0 = none)`,
    )
    .option(
      '--drop-features <list>',
      `features the net is trained without (set to their mean after normalisation, in training and inference): groups (${Object.keys(FEATURE_GROUPS).join(', ')}), short-term features (mfcc_1) or vector entries (energy_mean), e.g. mfcc-means,energy_mean`,
    );
}

export function trainingOptionsFromCli(flags: TrainingFlags): TrainingOptions {
  const base = flags.preset === 'paper' ? PAPER_TRAINING_OPTIONS : DEFAULT_TRAINING_OPTIONS;
  const num = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`--${name} must be a number (got "${value}")`);
    return n;
  };
  const patch: Partial<TrainingOptions> = { seed: num('seed', flags.seed) ?? base.seed };
  const epochs = num('epochs', flags.epochs);
  if (epochs !== undefined) patch.maxEpochs = epochs;
  const patience = num('patience', flags.patience);
  if (patience !== undefined) patch.patience = patience;
  const dropout = num('dropout', flags.dropout);
  if (dropout !== undefined) patch.dropout = dropout;
  const l2 = num('l2', flags.l2);
  if (l2 !== undefined) patch.l2 = l2;
  if (flags.classWeights === false) patch.classWeighting = false;
  if (flags.normalisation) {
    if (flags.normalisation !== 'global' && flags.normalisation !== 'per-stream')
      throw new Error('--normalisation is global or per-stream');
    patch.normalisation = flags.normalisation;
  }
  if (flags.speechOnly !== undefined) {
    const value = String(flags.speechOnly);
    if (!['yes', 'no', 'true', 'false'].includes(value)) throw new Error('--speech-only is yes or no');
    patch.speechOnly = value === 'yes' || value === 'true';
  }
  if (flags.denoise !== undefined) {
    const value = String(flags.denoise);
    if (!['yes', 'no', 'true', 'false'].includes(value)) throw new Error('--denoise is yes or no');
    patch.denoise = value === 'yes' || value === 'true';
  }
  const noiseCopies = num('noise-copies', flags.noiseCopies);
  if (noiseCopies !== undefined && !(Number.isInteger(noiseCopies) && noiseCopies >= 0))
    throw new Error('--noise-copies is a whole number >= 0');
  if (noiseCopies !== undefined || flags.noiseSnr !== undefined) {
    const noise = { ...(base.noiseAugmentation ?? DEFAULT_NOISE_AUGMENTATION) };
    if (noiseCopies !== undefined) noise.copies = noiseCopies;
    if (flags.noiseSnr !== undefined) {
      const [low, high] = flags.noiseSnr.split(',').map(Number);
      if (!(Number.isFinite(low) && Number.isFinite(high) && low <= high))
        throw new Error('--noise-snr is two numbers in dB, low first, e.g. 5,30');
      noise.snrDb = [low, high];
    }
    patch.noiseAugmentation = noise.copies > 0 ? noise : undefined;
  }
  if (flags.speedFactors !== undefined && flags.speedFactors.trim() !== '' && flags.speedFactors !== 'none') {
    const factors = flags.speedFactors.split(',').map(Number);
    checkSpeedFactors(factors);
    const streams = flags.speedStreams ?? 'copy';
    if (streams !== 'copy' && streams !== 'speaker') throw new Error('--speed-streams is copy or speaker');
    patch.speedPerturbation = { factors, streams };
  }
  const roomCopies = num('room-copies', flags.roomCopies);
  if (roomCopies !== undefined) {
    if (!(Number.isInteger(roomCopies) && roomCopies >= 0)) throw new Error('--room-copies is a whole number >= 0');
    patch.roomDevice = roomCopies > 0 ? { copies: roomCopies, seed: DEFAULT_ROOM_DEVICE_SEED } : undefined;
  }
  if (flags.dropFeatures !== undefined && flags.dropFeatures.trim() !== '' && flags.dropFeatures !== 'none') {
    const spec = flags.dropFeatures.split(',').map((item) => item.trim());
    droppedFeatureNames(spec, getFeatureProfile(flags.profile ?? 'paper').vectorNames);
    patch.dropFeatures = spec;
  }
  const architecture = { ...base.architecture };
  if (flags.attention) {
    if (!['vector', 'scalar', 'none'].includes(flags.attention)) throw new Error('--attention is vector, scalar or none');
    architecture.attention = flags.attention;
  }
  if (flags.attentionScale) {
    if (!['paper', 'units'].includes(flags.attentionScale)) throw new Error('--attention-scale is paper or units');
    architecture.attentionScale = flags.attentionScale;
  }
  patch.architecture = architecture;
  if (flags.lossWeights) {
    const [emotion, valence, activation] = flags.lossWeights.split(',').map(Number);
    if (![emotion, valence, activation].every(Number.isFinite)) throw new Error('--loss-weights is three numbers, e.g. 1,0.5,0.5');
    patch.lossWeights = { emotion, valence, activation };
  }
  return mergeTrainingOptions(base, patch);
}
