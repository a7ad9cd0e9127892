// What a process holds, read from /proc: its open file descriptors, and every process that carries a
// marker in its environment. Children inherit the environment, so the marker finds grandchildren and
// orphans re-parented to init as well as direct children.
import { readFileSync, readdirSync } from 'node:fs';

/** Open file descriptors of process `pid`. */
export function openFdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** Threads of process `pid` (the main thread, Node's and V8's helpers, and every worker thread). */
export function threadCount(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

/** Resident set size of process `pid` in bytes. */
export function residentBytes(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!kb) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb[1]) * 1024;
}

/** Ids and command lines of the processes, other than `except`, whose environment holds `NAME=value`. */
export function processesMarkedBy(name: string, value: string, except: number): Array<{ pid: number; command: string }> {
  const needle = Buffer.from(`${name}=${value}\0`);
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === except) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`);
      if (!environ.includes(needle)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      found.push({ pid, command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
