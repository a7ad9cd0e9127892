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
    const now = this.now();
    const entry = this.streams.getOrCreate(streamId, () => ({ pendingSeconds: 0, lastDropAt: -Infinity }));
    // A stream that starts dropping counts at once; the walk in dropping() only lets streams age out
    // (re-walking every stream on each drop cost the main thread more than the audio it saved).
    if (now - entry.lastDropAt > DROPPING_RECENT_MS) this.droppingCount++;
    entry.pendingSeconds += seconds;
    entry.lastDropAt = now;
    this.total += seconds;
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
      for (const entry of this.streams.states()) if (now - entry.lastDropAt <= DROPPING_RECENT_MS) this.droppingCount++;
      this.droppingCountedAt = now;
    }
    return this.droppingCount;
  }

  forget(streamId?: string): void {
    if (streamId === undefined) this.streams.clear();
    else this.streams.delete(streamId);
    this.droppingCountedAt = -Infinity;
  }

  sweep(): void {
    if (this.streams.sweep() > 0) this.droppingCountedAt = -Infinity;
  }
}
