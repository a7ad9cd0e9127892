import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';

/** A subcommand module in ./commands exports `register(program)`. */
export interface CliCommandModule {
  register(program: Command): void;
}

export function buildProgram(): Command {
  const program = new Command('speech-emotion')
    .description('Speech emotion recognition (MT-A-DNN, Ma et al. SenSys 2018): features, training, evaluation, classification')
    .version(require('../../package.json').version);
  // Each subcommand lives in its own file, so that adding one touches no other.
  const dir = join(__dirname, 'commands');
  for (const file of readdirSync(dir).sort()) {
    if (!/\.(js|ts)$/.test(file) || file.endsWith('.d.ts')) continue;
    const mod = require(join(dir, file)) as CliCommandModule;
    mod.register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
