/**
 * A stream heard within this long is active: at capacity it is not displaced by a new stream, which is refused
 * instead (`admit`). Live audio comes every chunk (a quarter second by default), so a stream quiet for 5 s has
 * stopped or paused.
 */
export const ACTIVE_STREAM_MS = 5000;

/**
 * Per-stream state with explicit bounds: at most `maxStreams` entries (the least recently used
 * one is evicted first) and entries idle for longer than `idleMs` are dropped by `sweep()`.
 * Every eviction goes through `onEvict`, so that a stream's resources are freed exactly once.
 */
export interface StreamStateMapOptions<S> {
  maxStreams: number;
  /** 0 = never expire by age */
  idleMs: number;
  /**
   * `admit` keeps streams used within this long and refuses new ones instead (default ACTIVE_STREAM_MS). Displacing
   * active streams helps nobody: with more live streams than places, each chunk displaced a stream whose next chunk
   * displaced another, every stream restarted on every chunk and none ever completed a window.
   */
  keepActiveMs?: number;
  onEvict?: (streamId: string, state: S, reason: 'idle' | 'capacity' | 'removed' | 'cleared') => void;
  now?: () => number;
}

export class StreamStateMap<S> {
  private readonly entries = new Map<string, { state: S; lastUsed: number }>();
  private readonly now: () => number;

  constructor(private readonly options: StreamStateMapOptions<S>) {
    if (!(options.maxStreams >= 1)) throw new RangeError(`maxStreams must be at least 1, got ${options.maxStreams}`);
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  has(streamId: string): boolean {
    return this.entries.has(streamId);
  }

  /** Returns the stream's state, creating it with `create` if absent; marks the stream as used now. */
  getOrCreate(streamId: string, create: () => S): S {
    const entry = this.entries.get(streamId);
    if (entry) {
      // Re-insert so that Map order stays least-recently-used first.
      this.entries.delete(streamId);
      entry.lastUsed = this.now();
      this.entries.set(streamId, entry);
      return entry.state;
    }
    while (this.entries.size >= this.options.maxStreams) {
      const oldest = this.entries.keys().next().value as string;
      this.evict(oldest, 'capacity');
    }
    const state = create();
    this.entries.set(streamId, { state, lastUsed: this.now() });
    return state;
  }

  /**
   * As getOrCreate, but at capacity a new stream displaces the least recently used one only when that one has not
   * been used within `keepActiveMs`; otherwise the new stream is refused (undefined, nothing created or evicted).
   */
  admit(streamId: string, create: () => S): S | undefined {
    if (!this.entries.has(streamId) && this.entries.size >= this.options.maxStreams) {
      const now = this.now();
      const keepActiveMs = this.options.keepActiveMs ?? ACTIVE_STREAM_MS;
      for (const [oldest, entry] of this.entries) {
        if (this.entries.size < this.options.maxStreams || now - entry.lastUsed < keepActiveMs) break;
        this.evict(oldest, 'capacity');
      }
      if (this.entries.size >= this.options.maxStreams) return undefined;
    }
    return this.getOrCreate(streamId, create);
  }

  /** Drops the least recently used stream (reason 'capacity'); false when there is none. */
  evictLeastRecentlyUsed(): boolean {
    const oldest = this.entries.keys().next();
    if (oldest.done) return false;
    this.evict(oldest.value, 'capacity');
    return true;
  }

  get(streamId: string): S | undefined {
    return this.entries.get(streamId)?.state;
  }

  delete(streamId: string): boolean {
    if (!this.entries.has(streamId)) return false;
    this.evict(streamId, 'removed');
    return true;
  }

  /** Drops streams idle for longer than idleMs; returns how many were dropped. */
  sweep(now = this.now()): number {
    if (!this.options.idleMs) return 0;
    const limit = now - this.options.idleMs;
    let dropped = 0;
    for (const [streamId, entry] of this.entries) {
      if (entry.lastUsed > limit) break; // LRU order: the rest are newer
      this.evict(streamId, 'idle');
      dropped++;
    }
    return dropped;
  }

  clear(): void {
    for (const streamId of [...this.entries.keys()]) this.evict(streamId, 'cleared');
  }

  streamIds(): string[] {
    return [...this.entries.keys()];
  }

  /** Every stream's state, least recently used first (does not mark them as used). */
  *states(): IterableIterator<S> {
    for (const entry of this.entries.values()) yield entry.state;
  }

  private evict(streamId: string, reason: 'idle' | 'capacity' | 'removed' | 'cleared'): void {
    const entry = this.entries.get(streamId);
    if (!entry) return;
    this.entries.delete(streamId);
    this.options.onEvict?.(streamId, entry.state, reason);
  }
}
