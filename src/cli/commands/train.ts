import type { Command } from 'commander';
import { initBackend } from '../../core/model/backend';
import { loadFeatureProfile } from '../../core/training/corpus-features';
import { TextProgress } from '../text-progress';
import { trainFromManifest } from '../../core/training/train-from-manifest';
import { trainingOptionsFromCli, addTrainingFlags, type TrainingFlags } from '../training-flags';
import { asUsageError, usageError } from '../cli-error';
import { checkTrainable, readManifestRows } from '../manifest-input';

export function register(program: Command): void {
  const command = program
    .command('train')
    .description('train MT-A-DNN on a manifest (CSV with path,emotion[,speaker]; paths relative to it) and save it to a directory')
    .requiredOption('--manifest <csv>', 'manifest of labelled clips; rows with an unknown emotion or a missing file are skipped and listed')
    .requiredOption(
      '--out <dir>',
      'directory for metadata.json and model.json + weights.bin (an ensemble: member-N.json + member-N.weights.bin per net)',
    )
    .option('--licence <text>', 'licence of the training data, recorded in the metadata')
    .option(
      '--ensemble <n>',
      'train n nets with seeds seed, seed+1, ... and save them as one model whose probabilities are their mean (inference costs n times the CPU)',
      '1',
    );
  addTrainingFlags(command);
  command.action(async (flags: TrainingFlags & { manifest: string; out: string; licence?: string; ensemble: string }) => {
    const training = asUsageError(() => trainingOptionsFromCli(flags));
    const ensemble = Number(flags.ensemble);
    if (!Number.isInteger(ensemble) || ensemble < 1)
      throw usageError(`--ensemble ${flags.ensemble}: give a whole number of nets, at least 1`);
    if (ensemble > 1 && training.patience > 0) {
      throw usageError(
        `--ensemble ${ensemble}: the nets share one standardisation, which early stopping (--patience ${training.patience}) fits per seed: add --patience 0`,
      );
    }
    asUsageError(() => loadFeatureProfile(flags.profile));
    checkTrainable(flags.manifest, await readManifestRows(flags.manifest), training);
    const backend = await initBackend();
    const features = new TextProgress('features');
    const epochs = new TextProgress('training');
    const model = await trainFromManifest({
      manifest: flags.manifest,
      profile: flags.profile,
      augment: !!flags.augment,
      training,
      ensemble,
      dataLicence: flags.licence,
      onFeatures: (done, total) => features.update(done, total),
      onEpoch: (r) =>
        epochs.update(
          r.epoch,
          r.maxEpochs,
          `loss ${r.loss.toFixed(3)}` +
            (r.validationUar !== undefined ? ` val UAR ${(100 * r.validationUar).toFixed(1)}% (best epoch ${r.bestEpoch})` : ''),
        ),
    });
    epochs.finish();
    await model.save(flags.out);
    const t = model.metadata.training;
    console.log(
      `saved ${flags.out}: ${ensemble > 1 ? `ensemble of ${ensemble} nets, ` : ''}${t.clips} clips, ${t.speakers} speakers, ${t.examples} examples, ${t.epochs} epochs kept, ` +
        `profile ${model.featureProfile} (${model.vectorLength} values), normalisation ${model.metadata.normalisation.mode}, backend ${backend}`,
    );
    model.dispose();
  });
}
