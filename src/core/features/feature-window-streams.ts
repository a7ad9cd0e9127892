import { FeatureWindow, FeatureWindowOptions, FeatureWindowStream } from './feature-window-stream';

export interface StreamLimits {
  /** most streams kept at once; the least recently used is dropped beyond (default 1000) */
  maxStreams: number;
  /** a stream without audio for this long is dropped, seconds (default 60; 0 = never) */
  idleSeconds: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxStreams: 1000, idleSeconds: 60 };

/**
 * The per-stream windowing state of many streams, bounded in number (LRU) and dropped when idle,
 * when a stream ends, on reset and on dispose.
 */
export class FeatureWindowStreams {
  private readonly streams = new Map<string, { stream: FeatureWindowStream; lastSeen: number }>();
  private readonly limits: StreamLimits;
  private sweepTimer: NodeJS.Timeout | undefined;
  /** streams dropped for lack of room or idleness, for status */
  droppedCount = 0;

  constructor(
    private readonly options: FeatureWindowOptions,
    limits: Partial<StreamLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...limits };
    if (!Number.isInteger(this.limits.maxStreams) || this.limits.maxStreams < 1) {
      throw new RangeError(`maxStreams must be a whole number >= 1, got ${String(this.limits.maxStreams)}`);
    }
    if (!Number.isFinite(this.limits.idleSeconds) || this.limits.idleSeconds < 0) {
      throw new RangeError(`idleSeconds must be >= 0, got ${String(this.limits.idleSeconds)}`);
    }
    if (this.limits.idleSeconds > 0) {
      const period = Math.min(this.limits.idleSeconds * 1000, 10_000);
      this.sweepTimer = setInterval(() => this.dropIdle(), period);
      this.sweepTimer.unref();
    }
  }

  get size(): number {
    return this.streams.size;
  }

  ids(): string[] {
    return [...this.streams.keys()];
  }

  /** Adds a chunk to a stream (created on first use) and returns the windows it completes. */
  push(streamId: string, samples: ArrayLike<number>, timestamp: number | undefined, final: boolean): FeatureWindow[] {
    let entry = this.streams.get(streamId);
    if (entry)
      this.streams.delete(streamId); // re-insert: Map order is recency order
    else {
      while (this.streams.size >= this.limits.maxStreams) {
        const oldest = this.streams.keys().next().value as string;
        this.streams.delete(oldest);
        this.droppedCount++;
      }
      entry = { stream: new FeatureWindowStream(streamId, this.options), lastSeen: 0 };
    }
    entry.lastSeen = this.now();
    this.streams.set(streamId, entry);
    try {
      const windows = entry.stream.push(samples, timestamp);
      if (final) {
        windows.push(...entry.stream.end());
        this.streams.delete(streamId);
      }
      return windows;
    } catch (err) {
      this.streams.delete(streamId);
      throw err;
    }
  }

  /** Ends a stream: its last partial window (if long enough); its state is dropped. */
  end(streamId: string): FeatureWindow[] {
    const entry = this.streams.get(streamId);
    if (!entry) return [];
    this.streams.delete(streamId);
    return entry.stream.end();
  }

  /** Drops a stream's state without output. */
  reset(streamId?: string): void {
    if (streamId === undefined) this.streams.clear();
    else this.streams.delete(streamId);
  }

  dropIdle(): void {
    if (this.limits.idleSeconds <= 0) return;
    const cutoff = this.now() - this.limits.idleSeconds * 1000;
    for (const [id, entry] of this.streams) {
      if (entry.lastSeen < cutoff) {
        this.streams.delete(id);
        this.droppedCount++;
      }
    }
  }

  /** Bytes held by all streams' state. */
  footprintBytes(): number {
    let total = 0;
    for (const { stream } of this.streams.values()) total += stream.footprintBytes;
    return total;
  }

  dispose(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.streams.clear();
  }
}
