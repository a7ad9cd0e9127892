/**
 * How far behind real time live audio runs: a chunk's lag is the clock at sending minus the time of its
 * first sample (a stream's timestamps advance with its samples from its first message, so input that
 * waits in a queue shows as lag). A recorder's chunks are stamped from its first audio, so for a recorder
 * the meter is told when it started (`started`): the wait before its first audio (a recorder that buffers,
 * or a machine too busy to read it) then counts as lag of every chunk after it, as it does in real time.
 * Negative values (audio delivered ahead of real time, e.g. a whole file in one message) count as 0.
 */
export class LagMeter {
  private worst = 0;
  /** when the live source started, until its first chunk is measured */
  private startedAt: number | undefined;
  /** how much later than its start the live source's first sample was stamped, ms */
  private startDelay = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** A live source (a recorder) starts now: its chunks are measured from this moment on. */
  started(): void {
    this.startedAt = this.now();
    this.startDelay = 0;
  }

  /** The lag of a chunk whose first sample is at `timestamp`, in whole ms. */
  measure(timestamp: number): number {
    if (this.startedAt !== undefined) {
      this.startDelay = Math.max(0, timestamp - this.startedAt);
      this.startedAt = undefined;
    }
    const lag = Math.max(0, Math.round(this.now() - timestamp + this.startDelay));
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
