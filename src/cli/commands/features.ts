import type { Command } from 'commander';
import { loadAudioFileAs16kMono } from '../../core/audio/load-audio-file';
import { FEATURE_PROFILE_NAMES, getFeatureProfile, isFeatureProfileName } from '../../core/features/feature-profile-registry';
import { paperShortTermFeatures } from '../../core/features/paper-features';
import { frameCount } from '../../core/features/pyaudioanalysis-constants';

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
    .argument('<files...>', 'WAV files (any rate and channel count)')
    .option('--profile <name>', `feature profile: ${FEATURE_PROFILE_NAMES.join(' or ')}`, 'paper')
    .option('--frames', 'also print "shortTermFeatures": the [34][numFrames] matrix of the paper features')
    .action(async (files: string[], flags: FeaturesFlags) => {
      if (!isFeatureProfileName(flags.profile)) {
        throw new Error(`unknown profile "${flags.profile}" (known: ${FEATURE_PROFILE_NAMES.join(', ')})`);
      }
      const profile = getFeatureProfile(flags.profile);
      let failed = 0;
      for (const file of files) {
        try {
          const samples = await loadAudioFileAs16kMono(file);
          if (samples.length < 400) throw new Error('shorter than one 25 ms frame');
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
        } catch (err) {
          failed++;
          process.stderr.write(`${file}: ${(err as Error).message}\n`);
        }
      }
      if (failed > 0) process.exitCode = 1;
    });
}
