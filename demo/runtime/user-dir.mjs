// Lays out a Node-RED user directory that loads this package (and the dashboard) straight from the
// project by symbolic links, so that starting it needs no network and always runs the current build.
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PACKAGE_NAME = 'node-red-contrib-speech-emotion';
export const DASHBOARD_PACKAGE = '@flowfuse/node-red-dashboard';

function link(target, path) {
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path) || isDanglingLink(path)) {
    if (lstatSync(path).isSymbolicLink() && readlinkSync(path) === target) return;
    rmSync(path, { recursive: true, force: true });
  }
  symlinkSync(target, path, 'dir');
}

function isDanglingLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Creates (or refreshes) `userDir`: node_modules links to this package and, if installed, the
 * FlowFuse dashboard; a package.json listing them for the palette manager; a settings.js that
 * listens on `port` and never reaches the network. Writes `flows` to flows.json when the file is
 * missing or `replaceFlows` is set, so a user's edits to the demo survive a restart.
 * Returns what it linked.
 */
export function prepareUserDir({ userDir, port, flows, replaceFlows = false, withDashboard = true }) {
  mkdirSync(userDir, { recursive: true });
  const modules = join(userDir, 'node_modules');
  link(PROJECT_ROOT, join(modules, PACKAGE_NAME));
  const dashboardSource = join(PROJECT_ROOT, 'node_modules', DASHBOARD_PACKAGE);
  const dashboard = withDashboard && existsSync(join(dashboardSource, 'package.json'));
  if (dashboard) link(dashboardSource, join(modules, DASHBOARD_PACKAGE));
  else rmSync(join(modules, DASHBOARD_PACKAGE), { recursive: true, force: true });

  const dependencies = { [PACKAGE_NAME]: `file:${PROJECT_ROOT}` };
  if (dashboard) dependencies[DASHBOARD_PACKAGE] = '*';
  writeFileSync(
    join(userDir, 'package.json'),
    `${JSON.stringify({ name: 'speech-emotion-demo', private: true, dependencies }, null, 2)}\n`,
  );
  writeNodeRedSettings({ userDir, port });
  const flowFile = join(userDir, 'flows.json');
  if (flows && (replaceFlows || !existsSync(flowFile))) writeFileSync(flowFile, `${JSON.stringify(flows, null, 2)}\n`);
  return { userDir, dashboard, flowFile };
}

/** Writes `userDir`/settings.js: listens on 127.0.0.1 (or HOST) at `port` (0: a free one), never reaches the network. */
export function writeNodeRedSettings({ userDir, port }) {
  writeFileSync(join(userDir, 'settings.js'), settingsSource(port));
}

function settingsSource(port) {
  return `// Written by demo/runtime/user-dir.mjs; rewritten on every start.
module.exports = {
    uiPort: ${Number(port)},
    // The demo has no login: only this machine reaches it unless HOST says otherwise.
    uiHost: process.env.HOST || '127.0.0.1',
    flowFile: 'flows.json',
    flowFilePretty: true,
    credentialSecret: false,
    diagnostics: { enabled: false, ui: false },
    telemetry: { enabled: false, updateNotification: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
    editorTheme: { tours: false, projects: { enabled: false } },
    logging: { console: { level: process.env.NODE_RED_LOG_LEVEL || 'info', metrics: false, audit: false } },
};
`;
}
