/**
 * A sum over the last `spanMs` (in `buckets` time buckets, so adding and reading cost O(buckets) at most,
 * whatever the rate of events).
 */
export class RollingSum {
  private readonly values: Float64Array;
  private readonly bucketMs: number;
  /** the bucket index (time / bucketMs) of the newest bucket */
  private newest = -Infinity;

  constructor(
    readonly spanMs: number,
    buckets = 8,
  ) {
    this.values = new Float64Array(buckets);
    this.bucketMs = spanMs / buckets;
  }

  add(now: number, value: number): void {
    this.advance(now);
    this.values[this.newest % this.values.length] += value;
  }

  /** the time the sum covers at `now`: between (buckets - 1) and buckets bucket lengths */
  coveredMs(now: number): number {
    return this.spanMs - this.bucketMs + (now % this.bucketMs);
  }

  sum(now: number): number {
    this.advance(now);
    let total = 0;
    for (const value of this.values) total += value;
    return total;
  }

  private advance(now: number): void {
    const index = Math.floor(now / this.bucketMs);
    if (index <= this.newest) return;
    const stale = Math.min(this.values.length, index - this.newest);
    for (let i = 1; i <= stale; i++) this.values[(index - stale + i) % this.values.length] = 0;
    this.newest = index;
  }
}
