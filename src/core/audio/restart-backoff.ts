export interface RestartBackoffOptions {
  /** the first delay */
  initialMs?: number;
  /** no delay is longer */
  maxMs?: number;
  /** a run at least this long counts as normal: the next failure starts from `initialMs` again */
  normalRunMs?: number;
}

/**
 * When to restart a recorder that failed: 1 s, 2 s, 4 s … up to 30 s while it keeps failing soon after
 * each start, back to 1 s after a run of normal length, so a dead device is not hammered and a
 * one-off crash is recovered from quickly.
 */
export class RestartBackoff {
  private failuresInARow = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly normalRunMs: number;

  constructor(options: RestartBackoffOptions = {}) {
    this.initialMs = options.initialMs ?? 1000;
    this.maxMs = options.maxMs ?? 30_000;
    this.normalRunMs = options.normalRunMs ?? 60_000;
  }

  /** The delay before the next start, after a run of `runMs` that ended in failure. */
  delayAfterFailure(runMs: number): number {
    if (runMs >= this.normalRunMs) this.failuresInARow = 0;
    this.failuresInARow++;
    return Math.min(this.maxMs, this.initialMs * 2 ** (this.failuresInARow - 1));
  }

  reset(): void {
    this.failuresInARow = 0;
  }
}
