/**
 * CPU time of this process so far (user + system, all its threads), in seconds. The benchmarks measure CPU time, not
 * wall-clock time: on a shared machine the wall clock also counts the time other processes held the cores.
 */
export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}
