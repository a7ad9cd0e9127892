import { StreamStateMap } from '../stream-state-map';

interface StreamDrops {
  /** seconds dropped since the stream's last window went out */
  pendingSeconds: number;
  lastDropAt: number;
}

/** A stream counts as dropping for this long after its last drop. */
export const DROPPING_RECENT_MS = 10_000;
/** How often the count of dropping streams is recomputed (it walks every stream that dropped). */
const DROPPING_COUNT_EVERY_MS = 500;

/**
 * Audio dropped for being late, per stream and in total: the seconds a stream lost since its last
 * window (for its next window to carry), and how many streams dropped recently. Bounded like the
 * streams themselves (at most maxStreams entries, idle ones swept).
 */
export class DroppedAudioLedger {
  private readonly streams: StreamStateMap<StreamDrops>;
  private total = 0;
  private droppingCount = 0;
  private droppingCountedAt = -Infinity;

  constructor(
    maxStreams: number,
    idleMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.streams = new StreamStateMap<StreamDrops>({ maxStreams, idleMs, now });
  }

  record(streamId: string, seconds: number): void {
    const entry = this.streams.getOrCreate(streamId, () => ({ pendingSeconds: 0, lastDropAt: 0 }));
    entry.pendingSeconds += seconds;
    entry.lastDropAt = this.now();
    this.total += seconds;
    this.droppingCountedAt = -Infinity;
  }

  /** The seconds the stream lost since it was last asked, now given to its next window. */
  takePending(streamId: string): number {
    const entry = this.streams.get(streamId);
    if (!entry || entry.pendingSeconds === 0) return 0;
    const seconds = entry.pendingSeconds;
    entry.pendingSeconds = 0;
    return seconds;
  }

  /** Seconds of audio dropped so far, all streams. */
  get totalSeconds(): number {
    return this.total;
  }

  /** Streams that dropped audio within the last DROPPING_RECENT_MS. */
  dropping(): number {
    const now = this.now();
    if (now - this.droppingCountedAt >= DROPPING_COUNT_EVERY_MS) {
      this.droppingCount = 0;
      for (const id of this.streams.streamIds()) {
        if (now - (this.streams.get(id) as StreamDrops).lastDropAt <= DROPPING_RECENT_MS) this.droppingCount++;
      }
      this.droppingCountedAt = now;
    }
    return this.droppingCount;
  }

  forget(streamId?: string): void {
    if (streamId === undefined) this.streams.clear();
    else this.streams.delete(streamId);
  }

  sweep(): void {
    this.streams.sweep();
  }
}
