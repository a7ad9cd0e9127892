// CPU time from Linux's /proc: a process's (all its threads), and the whole machine's.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of a process (its threads included), seconds. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state (field 3 of proc(5)): utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/**
 * The whole machine's CPU counters (/proc/stat's first line), seconds: busy (user, nice, system, irq, softirq) and
 * stolen (a virtual machine's CPUs waiting for the hypervisor, which ran other guests). On this project's shared VMs a
 * run's latency tail depends on whether the host gave the process its cores: the benchmark reports what it got.
 */
export interface HostCpuCounters {
  busySeconds: number;
  stolenSeconds: number;
}

export function hostCpuCounters(): HostCpuCounters | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
    return {
      busySeconds: (user + nice + system + irq + softirq) / CLOCK_TICKS_PER_SECOND,
      stolenSeconds: (steal ?? 0) / CLOCK_TICKS_PER_SECOND,
    };
  } catch {
    return undefined; // not Linux
  }
}

/**
 * Over an interval of `wallSeconds` in which the measured process used `processCpuSeconds`: the cores other processes
 * on this machine kept busy, and the cores the hypervisor held back (steal), both per wall second.
 */
export function hostCoresBetween(
  before: HostCpuCounters | undefined,
  after: HostCpuCounters | undefined,
  wallSeconds: number,
  processCpuSeconds: number,
): { otherProcessesCores: number; stolenCores: number } | undefined {
  if (!before || !after || !(wallSeconds > 0)) return undefined;
  const round = (value: number) => Math.round(value * 100) / 100;
  return {
    otherProcessesCores: round(Math.max(0, after.busySeconds - before.busySeconds - processCpuSeconds) / wallSeconds),
    stolenCores: round((after.stolenSeconds - before.stolenSeconds) / wallSeconds),
  };
}
