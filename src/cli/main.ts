import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { EXIT_CODES, reportError } from './cli-error';
import { packageVersion } from '../core/model/package-paths';

/** A subcommand module in ./commands exports `register(program)`. */
export interface CliCommandModule {
  register(program: Command): void;
}

const EXIT_CODES_HELP = `
Exit codes:
  ${EXIT_CODES.ok}   everything given was processed
  ${EXIT_CODES.inputFailed}   an input could not be used (a file, folder, manifest or model): each one is named on stderr;
      the results of the others are still printed
  ${EXIT_CODES.usage}   wrong usage: unknown flag, missing argument or bad value
  ${EXIT_CODES.internal}  a bug (printed with its stack trace)`;

export function buildProgram(): Command {
  const program = new Command('speech-emotion')
    .description('Speech emotion recognition (MT-A-DNN, Ma et al. SenSys 2018): features, training, evaluation, classification')
    .version(packageVersion())
    .addHelpText('after', EXIT_CODES_HELP)
    // Throw instead of exiting, so that runCli decides the exit code; subcommands inherit this.
    .exitOverride();
  // Each subcommand lives in its own file, so that adding one touches no other.
  const dir = join(__dirname, 'commands');
  for (const file of readdirSync(dir).sort()) {
    if (!/\.(js|ts)$/.test(file) || file.endsWith('.d.ts')) continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the subcommands are found at run time
    const mod = require(join(dir, file)) as CliCommandModule;
    mod.register(program);
  }
  for (const command of program.commands) command.addHelpText('after', EXIT_CODES_HELP);
  return program;
}

/** Parses and runs a command line; throws what the command throws. */
export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}

/**
 * Runs a command line as the `speech-emotion` executable does and returns its exit code: errors in
 * the user's input are one line on stderr, bugs come with their stack trace.
 */
export async function runCli(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await main(argv);
    return Number(process.exitCode ?? EXIT_CODES.ok);
  } catch (err) {
    return reportError(err);
  }
}
