import type { Command } from 'commander';
import { AudioFileError } from '../../core/audio/audio-file-error';
import { loadAudioFileAs16kMono } from '../../core/audio/load-audio-file';
import { FEATURE_PROFILE_NAMES, getFeatureProfile, isFeatureProfileName } from '../../core/features/feature-profile-registry';
import { paperShortTermFeatures } from '../../core/features/paper-features';
import { FRAME_LENGTH, frameCount } from '../../core/features/pyaudioanalysis-constants';
import { usageError } from '../cli-error';
import { INPUT_FILES_HELP, forEachInputFile } from '../input-files';

interface FeaturesFlags {
  profile: string;
  frames?: boolean;
}

export function register(program: Command): void {
  program
    .command('features')
    .description(
      'print the clip vector of each file as one JSON line: {file, sampleRate, numFrames, featureNames, clipVector} ' +
        '(pyAudioAnalysis short-term features, 25 ms / 10 ms, whole file as one clip; other rates resampled to 16 kHz)',
    )
    .argument('<files...>', 'WAV files or folders of them (any rate and channel count)')
    .option('--profile <name>', `feature profile: ${FEATURE_PROFILE_NAMES.join(' or ')}`, 'paper')
    .option('--frames', 'also print "shortTermFeatures": the [34][numFrames] matrix of the paper features')
    .addHelpText('after', `\n${INPUT_FILES_HELP}`)
    .action(async (files: string[], flags: FeaturesFlags) => {
      if (!isFeatureProfileName(flags.profile)) {
        throw usageError(`unknown profile "${flags.profile}" (known: ${FEATURE_PROFILE_NAMES.join(', ')})`);
      }
      const profile = getFeatureProfile(flags.profile);
      await forEachInputFile(files, async (file) => {
        const samples = await loadAudioFileAs16kMono(file);
        if (samples.length < FRAME_LENGTH) {
          throw new AudioFileError(file, `too short: ${samples.length} samples at 16 kHz, shorter than one 25 ms frame (${FRAME_LENGTH})`);
        }
        const line: Record<string, unknown> = {
          file,
          sampleRate: 16000,
          numFrames: frameCount(samples.length),
          profile: profile.name,
          featureNames: profile.featureNames,
          clipVector: Array.from(profile.clipVector(samples)),
        };
        if (flags.frames) line.shortTermFeatures = paperShortTermFeatures(samples).map((row) => Array.from(row));
        process.stdout.write(`${JSON.stringify(line)}\n`);
      });
    });
}
