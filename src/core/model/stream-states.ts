/**
 * Per-stream state with a bound and idle expiry: at most `maxStreams` entries (the least recently
 * used is dropped), and entries untouched for `idleMs` are dropped by sweep().
 */
export class StreamStates<T> {
  private readonly entries = new Map<string, { state: T; lastUsed: number }>();

  constructor(
    private readonly options: { maxStreams: number; idleMs: number; onDrop?: (state: T, streamId: string) => void },
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(streamId: string, create: () => T, now = Date.now()): T {
    const found = this.entries.get(streamId);
    if (found) {
      // Re-insert so that Map order is least-recently-used first.
      this.entries.delete(streamId);
      found.lastUsed = now;
      this.entries.set(streamId, found);
      return found.state;
    }
    const entry = { state: create(), lastUsed: now };
    this.entries.set(streamId, entry);
    while (this.entries.size > this.options.maxStreams) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
    return entry.state;
  }

  has(streamId: string): boolean {
    return this.entries.has(streamId);
  }

  delete(streamId: string): void {
    const entry = this.entries.get(streamId);
    if (!entry) return;
    this.entries.delete(streamId);
    this.options.onDrop?.(entry.state, streamId);
  }

  /** Drops streams idle for longer than idleMs; returns how many. */
  sweep(now = Date.now()): number {
    let dropped = 0;
    for (const [id, entry] of [...this.entries]) {
      if (now - entry.lastUsed > this.options.idleMs) {
        this.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.delete(id);
  }
}
