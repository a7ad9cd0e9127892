import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EmotionModel } from '../core/model/emotion-model';
import { METADATA_JSON } from '../core/model/model-files';
import { CliError } from './cli-error';

/** Loads the model folder given with --model, or says in one line why it is not one. */
export async function loadModelFolder(dir: string): Promise<EmotionModel> {
  if (!existsSync(dir)) throw new CliError(`--model ${dir}: no such folder`);
  if (!statSync(dir).isDirectory())
    throw new CliError(`--model ${dir}: is a file; give the folder that "speech-emotion train --out" wrote`);
  if (!existsSync(join(dir, METADATA_JSON))) {
    throw new CliError(
      `--model ${dir}: not a model folder (no ${METADATA_JSON}; "speech-emotion train --out" writes model.json, weights.bin and ${METADATA_JSON})`,
    );
  }
  try {
    return await EmotionModel.load(dir);
  } catch (err) {
    throw new CliError(`--model ${dir}: cannot load the model: ${(err as Error).message}`);
  }
}
