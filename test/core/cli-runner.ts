import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
// What bin/speech-emotion.js does, on the TypeScript sources.
const RUN_CLI =
  "require('./src/cli/main').runCli(['node', 'speech-emotion', ...process.argv.slice(1)]).then((code) => { process.exitCode = code; })";

/** Runs `speech-emotion ARGS...` as a child process and returns its exit code and output. */
export function runSpeechEmotion(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', RUN_CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A stack trace line, which a user error must never print. */
export const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;
