import { CommanderError } from 'commander';
import { AudioFileError } from '../core/audio/audio-file-error';
import { AudioFormatError } from '../core/audio/audio-format-error';

/** Exit codes of `speech-emotion` (listed in its --help). */
export const EXIT_CODES = {
  ok: 0,
  /** an input (file, folder, manifest, model) could not be used; the others were still processed */
  inputFailed: 1,
  /** the command line itself is wrong: unknown flag, missing argument, bad value */
  usage: 2,
  /** a bug: printed with its stack trace */
  internal: 70,
} as const;

/** A problem with what the user gave the command; printed as one line, without a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(
    message: string,
    readonly exitCode: number = EXIT_CODES.inputFailed,
  ) {
    super(message);
  }
}

/** A wrong flag value or combination of flags. */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_CODES.usage);
}

/** Runs `fn`, turning whatever it throws into a usage error (for checks of flag values done in the core). */
export function asUsageError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

const FILE_SYSTEM_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EEXIST', 'ENOSPC', 'EROFS']);

/** Errors that come from the user's input rather than from a bug in this program. */
export function isUserError(err: unknown): err is Error {
  if (err instanceof CliError || err instanceof AudioFileError || err instanceof AudioFormatError) return true;
  const fsError = err as NodeJS.ErrnoException;
  return (
    err instanceof Error && typeof fsError.code === 'string' && FILE_SYSTEM_CODES.has(fsError.code) && typeof fsError.path === 'string'
  );
}

/** The exit code for an error thrown out of a command, after printing what the user needs to see. */
export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr): number {
  // commander has already printed its own message (or the help / version) before throwing
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT_CODES.ok : EXIT_CODES.usage;
  if (isUserError(err)) {
    stderr.write(`speech-emotion: ${err.message}\n`);
    return err instanceof CliError ? err.exitCode : EXIT_CODES.inputFailed;
  }
  stderr.write(`speech-emotion: internal error (a bug: please report it with this output)\n${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT_CODES.internal;
}
