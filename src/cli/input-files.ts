import { stat } from 'node:fs/promises';
import { AudioFileError } from '../core/audio/audio-file-error';
import { listAudioFiles } from '../core/audio/file-playback';
import { EXIT_CODES, isUserError } from './cli-error';

/** How the file arguments of `features` and `classify` are read (shown in their --help). */
export const INPUT_FILES_HELP =
  'A folder stands for its .wav files in name order (not its subfolders), as in the audio-source node. ' +
  'A file that cannot be read is reported on stderr ("FILE: why") and the others are still processed; ' +
  `the exit code is then ${EXIT_CODES.inputFailed}.`;

/** The WAV files an input path stands for: the file itself, or a folder's, as the audio-source node lists them. */
async function filesOf(input: string): Promise<string[]> {
  let info;
  try {
    info = await stat(input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AudioFileError(input, code === 'ENOENT' ? 'no such file or folder' : (err as Error).message);
  }
  if (!info.isDirectory()) return [input];
  try {
    return await listAudioFiles(input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new AudioFileError(input, code ? (err as Error).message : 'folder with no .wav files in it');
  }
}

/**
 * Runs `handle` on every WAV file the inputs stand for, in order. An input or file that fails with a
 * user error (missing, not WAV, too short…) gets one line on stderr and the rest go on; a bug still
 * throws. Sets the process exit code when anything failed.
 */
export async function forEachInputFile(
  inputs: string[],
  handle: (file: string) => Promise<void>,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<{ processed: number; failures: AudioFileError[] }> {
  const failures: AudioFileError[] = [];
  const fail = (file: string, err: unknown) => {
    if (!isUserError(err)) throw err;
    const failure = err instanceof AudioFileError ? err : new AudioFileError(file, err.message);
    failures.push(failure);
    stderr.write(`${failure.message}\n`);
  };
  let processed = 0;
  for (const input of inputs) {
    let files: string[];
    try {
      files = await filesOf(input);
    } catch (err) {
      fail(input, err);
      continue;
    }
    for (const file of files) {
      try {
        await handle(file);
        processed++;
      } catch (err) {
        fail(file, err);
      }
    }
  }
  if (failures.length > 0) process.exitCode = EXIT_CODES.inputFailed;
  return { processed, failures };
}
