interface Entry<T> {
  value: T;
  lastSeen: number;
}

/**
 * Per-stream state with two bounds: at most `maxEntries` streams (the least recently touched
 * one is dropped first) and an idle timeout after which a stream is forgotten. Map insertion
 * order is kept equal to recency, so both evictions only look at the front of the map.
 */
export class StreamStateMap<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(
    private readonly maxEntries: number,
    private readonly idleTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(maxEntries >= 1)) throw new RangeError('maxEntries must be at least 1');
    if (!(idleTimeoutMs > 0)) throw new RangeError('idleTimeoutMs must be positive');
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Returns the stream's state, creating it with `create` if absent, and marks it as just seen. */
  touch(key: string, create: () => T): T {
    const existing = this.entries.get(key);
    const entry = existing ?? { value: create(), lastSeen: 0 };
    if (existing) this.entries.delete(key);
    entry.lastSeen = this.now();
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return entry.value;
  }

  /** Reads without marking as seen. */
  peek(key: string): T | undefined {
    return this.entries.get(key)?.value;
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  /** Forgets every stream idle for at least the timeout; returns how many were forgotten. */
  expireIdle(): number {
    const cutoff = this.now() - this.idleTimeoutMs;
    let expired = 0;
    for (const [key, entry] of this.entries) {
      if (entry.lastSeen > cutoff) break;
      this.entries.delete(key);
      expired++;
    }
    return expired;
  }

  clear(): void {
    this.entries.clear();
  }

  keys(): IterableIterator<string> {
    return this.entries.keys();
  }
}
