import { StreamStateMap } from '../stream-state-map';
import { FeatureWindow, FeatureWindowOptions, FeatureWindowStream } from './feature-window-stream';

export interface StreamLimits {
  /** most streams kept at once; the least recently used is dropped beyond (default 1000) */
  maxStreams: number;
  /** a stream without audio for this long is dropped, seconds (default 60; 0 = never) */
  idleSeconds: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxStreams: 1000, idleSeconds: 60 };

/**
 * The FeatureWindowStream of each of many streams, kept in a StreamStateMap: bounded in number
 * (least recently used dropped first), dropped when idle, when a stream ends, on reset and on dispose.
 */
export class FeatureWindowRegistry {
  private readonly streams: StreamStateMap<FeatureWindowStream>;

  constructor(
    private readonly options: FeatureWindowOptions,
    limits: Partial<StreamLimits> = {},
    now: () => number = Date.now,
  ) {
    const { maxStreams, idleSeconds } = { ...DEFAULT_STREAM_LIMITS, ...limits };
    if (!Number.isInteger(maxStreams) || maxStreams < 1) {
      throw new RangeError(`maxStreams must be a whole number >= 1, got ${String(maxStreams)}`);
    }
    if (!Number.isFinite(idleSeconds) || idleSeconds < 0) {
      throw new RangeError(`idleSeconds must be >= 0, got ${String(idleSeconds)}`);
    }
    this.streams = new StreamStateMap({ maxStreams, idleMs: idleSeconds * 1000, now });
  }

  get size(): number {
    return this.streams.size;
  }

  ids(): string[] {
    return this.streams.streamIds();
  }

  /** Adds a chunk to a stream (created on first use) and returns the windows it completes. */
  push(streamId: string, samples: ArrayLike<number>, timestamp: number | undefined, final: boolean): FeatureWindow[] {
    const stream = this.streams.getOrCreate(streamId, () => new FeatureWindowStream(streamId, this.options));
    try {
      const windows = stream.push(samples, timestamp);
      if (final) {
        windows.push(...stream.end());
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
    const stream = this.streams.get(streamId);
    if (!stream) return [];
    this.streams.delete(streamId);
    return stream.end();
  }

  /** Drops a stream's state without output (every stream's without an id). */
  reset(streamId?: string): void {
    if (streamId === undefined) this.streams.clear();
    else this.streams.delete(streamId);
  }

  /** Drops the streams idle for longer than idleSeconds; whoever owns the registry calls it regularly. */
  sweep(): void {
    this.streams.sweep();
  }

  /** Bytes held by all streams' state. */
  footprintBytes(): number {
    let total = 0;
    for (const stream of this.streams.states()) total += stream.footprintBytes;
    return total;
  }

  dispose(): void {
    this.streams.clear();
  }
}
