import { StreamStateMap } from '../stream-state-map';
import {
  FeatureWindow,
  FeatureWindowOptions,
  FeatureWindowStream,
  hopSamplesOf,
  STAGGER_FROM_STREAMS,
  WINDOW_PHASE_STEP,
} from './feature-window-stream';
import { WindowScratch } from './window-scratch';

export interface StreamLimits {
  /**
   * most streams kept at once (default 1000): a new stream takes the place of the least recently used one when that
   * was not heard within ACTIVE_STREAM_MS (5 s), else it is refused
   */
  maxStreams: number;
  /** a stream without audio for this long is dropped, seconds (default 60; 0 = never) */
  idleSeconds: number;
  /** most bytes all streams' state may hold; beyond, the least recently used streams are dropped (default 256 MB) */
  maxBytes: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxStreams: 1000, idleSeconds: 60, maxBytes: 256 * 1024 * 1024 };

/**
 * The FeatureWindowStream of each of many streams, kept in a StreamStateMap: bounded in number
 * and in bytes (least recently used dropped first, and counted), dropped when idle, when a stream
 * ends, on reset and on dispose.
 */
export class FeatureWindowRegistry {
  private readonly streams: StreamStateMap<FeatureWindowStream>;
  private readonly scratch = new WindowScratch();
  private readonly maxBytes: number;
  /** the footprintBytes of every stream held, as last measured */
  private heldBytes = 0;
  private droppedStreams = 0;
  private refusedChunks = 0;
  /** with staggerStreams: the streams held whose windows start at each phase of the hop (WINDOW_PHASE_STEP apart) */
  private readonly streamsByPhase: number[];

  constructor(
    private readonly options: FeatureWindowOptions,
    limits: Partial<StreamLimits> = {},
    now: () => number = Date.now,
  ) {
    const { maxStreams, idleSeconds, maxBytes } = { ...DEFAULT_STREAM_LIMITS, ...limits };
    if (!Number.isInteger(maxStreams) || maxStreams < 1) {
      throw new RangeError(`maxStreams must be a whole number >= 1, got ${String(maxStreams)}`);
    }
    if (!Number.isFinite(idleSeconds) || idleSeconds < 0) {
      throw new RangeError(`idleSeconds must be >= 0, got ${String(idleSeconds)}`);
    }
    if (!(maxBytes > 0)) throw new RangeError(`maxBytes must be > 0, got ${String(maxBytes)}`);
    this.maxBytes = maxBytes;
    const phases = options.staggerStreams ? Math.max(1, Math.ceil(hopSamplesOf(options) / WINDOW_PHASE_STEP)) : 1;
    this.streamsByPhase = new Array<number>(phases).fill(0);
    this.streams = new StreamStateMap<FeatureWindowStream>({
      maxStreams,
      idleMs: idleSeconds * 1000,
      now,
      onEvict: (_id, stream, reason) => {
        this.heldBytes -= stream.footprintBytes;
        this.streamsByPhase[stream.firstWindowStart / WINDOW_PHASE_STEP]--;
        if (reason === 'capacity') this.droppedStreams++;
      },
    });
  }

  get size(): number {
    return this.streams.size;
  }

  /** Streams dropped so far to stay within maxStreams or maxBytes (not those ended, reset or idle). */
  get dropped(): number {
    return this.droppedStreams;
  }

  /** Chunks refused so far: every place (maxStreams) held an active stream. */
  get refused(): number {
    return this.refusedChunks;
  }

  ids(): string[] {
    return this.streams.streamIds();
  }

  /**
   * Adds a chunk (floats in [-1, 1], or an Int16Array of 16-bit PCM) to a stream (created on first
   * use) and returns the windows it completes; none for a stream refused (see StreamLimits.maxStreams).
   */
  push(
    streamId: string,
    samples: Float32Array | Int16Array | ArrayLike<number>,
    timestamp: number | undefined,
    final: boolean,
  ): FeatureWindow[] {
    let created = false;
    const stream = this.streams.admit(streamId, () => {
      created = true;
      const phase = this.phaseForNewStream();
      this.streamsByPhase[phase]++;
      return new FeatureWindowStream(streamId, this.options, this.scratch, phase * WINDOW_PHASE_STEP);
    });
    if (!stream) {
      this.refusedChunks++;
      return [];
    }
    const bytesBefore = created ? 0 : stream.footprintBytes;
    try {
      const windows = stream.push(samples, timestamp);
      this.heldBytes += stream.footprintBytes - bytesBefore;
      this.keepWithinBudget();
      if (final) {
        windows.push(...stream.end());
        this.streams.delete(streamId);
      }
      return windows;
    } catch (err) {
      this.heldBytes += stream.footprintBytes - bytesBefore;
      this.streams.delete(streamId);
      throw err;
    }
  }

  /** FeatureWindowStream.samplesBeforeNextWindow of a stream held, without marking it used; undefined for one not held. */
  samplesBeforeNextWindow(streamId: string): number | undefined {
    return this.streams.get(streamId)?.samplesBeforeNextWindow;
  }

  /** Ends a stream: its last window (FeatureWindowStream.end()); its state is dropped. */
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
    return this.heldBytes;
  }

  /**
   * The phase of the hop at which a new stream's windows start (see staggerStreams): the first while the registry
   * holds fewer than STAGGER_FROM_STREAMS streams, else the one fewest streams use (the earliest of those).
   */
  private phaseForNewStream(): number {
    const counts = this.streamsByPhase;
    if (this.streams.size < STAGGER_FROM_STREAMS) return 0;
    let least = 0;
    for (let phase = 1; phase < counts.length; phase++) if (counts[phase] < counts[least]) least = phase;
    return least;
  }

  /** Drops the least recently used streams while the state is over budget (the one just used last). */
  private keepWithinBudget(): void {
    while (this.heldBytes > this.maxBytes && this.streams.size > 1) this.streams.evictLeastRecentlyUsed();
  }

  dispose(): void {
    this.streams.clear();
  }
}
