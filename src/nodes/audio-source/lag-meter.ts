/**
 * How far behind real time live audio runs: a chunk's lag is the clock at sending minus the time of its
 * first sample (a stream's timestamps advance with its samples from its first message, so input that
 * waits in a queue shows as lag). Negative values (audio delivered ahead of real time, e.g. a whole file
 * in one message) count as 0.
 */
export class LagMeter {
  private worst = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** The lag of a chunk whose first sample is at `timestamp`, in whole ms. */
  measure(timestamp: number): number {
    const lag = Math.max(0, Math.round(this.now() - timestamp));
    if (lag > this.worst) this.worst = lag;
    return lag;
  }

  /** The largest lag since the last call; starts afresh. */
  takeWorst(): number {
    const worst = this.worst;
    this.worst = 0;
    return worst;
  }
}

/** The status suffix for a lag worth showing (more than half a second), else ''. */
export function lagText(lagMs: number): string {
  return lagMs > 500 ? `, lag ${(lagMs / 1000).toFixed(1)} s` : '';
}
