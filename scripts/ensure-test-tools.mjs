// Makes sure the system tools the tests drive are there before `npm test` runs them: sox (reference
// resampler, test audio), espeak-ng (demo clips), mosquitto (MQTT broker), chromium (editor and
// dashboard in a real browser), alsa-utils (arecord, the default microphone recorder).
// Missing ones are installed with apt-get when this runs as root (or with password-less sudo);
// otherwise it stops at once with the install line to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const PACKAGES = ['sox', 'libsox-fmt-all', 'espeak-ng', 'mosquitto', 'chromium', 'alsa-utils'];
/** What each package must provide, where no package database can be asked. */
const COMMANDS = { sox: 'sox', 'espeak-ng': 'espeak-ng', mosquitto: 'mosquitto', chromium: 'chromium', 'alsa-utils': 'arecord' };
const INSTALL_LINE = `sudo apt-get install -y ${PACKAGES.join(' ')}`;

const succeeds = (command, args) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;

function onPath(command) {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  return dirs.some((dir) => dir && existsSync(join(dir, command)));
}

const hasDpkg = succeeds('dpkg-query', ['--version']);
function installed(pkg) {
  if (hasDpkg) {
    const status = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return status.status === 0 && status.stdout.includes('install ok installed');
  }
  return !COMMANDS[pkg] || onPath(COMMANDS[pkg]);
}

const missing = PACKAGES.filter((p) => !installed(p));
if (missing.length === 0) process.exit(0);

const isRoot = process.getuid?.() === 0;
const sudo = isRoot ? [] : succeeds('sudo', ['-n', 'true']) ? ['sudo'] : null;
if (!succeeds('apt-get', ['--version']) || sudo === null) {
  console.error(`The tests need system tools that are missing: ${missing.join(', ')}. Install them with:\n\n  ${INSTALL_LINE}\n`);
  process.exit(1);
}
console.log(`installing ${missing.join(', ')} with apt-get`);
const run = (args) => {
  const [command, ...rest] = [...sudo, ...args];
  const result = spawnSync(command, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    console.error(`\n${args.join(' ')} failed; install the tools with:\n\n  ${INSTALL_LINE}\n`);
    process.exit(1);
  }
};
run(['apt-get', 'update', '-qq']);
run(['apt-get', 'install', '-y', '-qq', ...missing]);
