import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * Where a file or folder path given to audio-source points. An absolute path is itself. A relative one
 * is tried against each base folder in order (for the node: the Node-RED user directory, then this
 * package's folder) and the first that exists wins, so that `demo/clips/...` from the examples works in
 * any install whatever folder Node-RED was started from. Without base folders, relative to the working directory.
 */
export function resolveAudioPath(
  path: string,
  baseFolders: readonly string[],
  exists: (candidate: string) => boolean = existsSync,
): string {
  if (isAbsolute(path)) return path;
  const candidates = audioPathCandidates(path, baseFolders);
  if (candidates.length === 0) return resolve(path);
  const found = candidates.find((candidate) => exists(candidate));
  if (found) return found;
  throw new Error(`cannot find "${path}" in ${candidates.map((c) => `"${c}"`).join(' or ')}`);
}

/** The places a relative path is looked for, in order: one per distinct, non-empty base folder. */
export function audioPathCandidates(path: string, baseFolders: readonly string[]): string[] {
  const bases = [...new Set(baseFolders.filter((base) => base && base.trim()).map((base) => resolve(base)))];
  return bases.map((base) => join(base, path));
}
