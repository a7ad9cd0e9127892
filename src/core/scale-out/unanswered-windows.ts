/**
 * The windows an MQTT edge has published and not yet seen a result for. A worker acknowledges a window to
 * the broker when it receives it, before classifying it, so a worker that dies in between loses the window
 * for good (QoS 1 alone does not cover it); the edge therefore re-sends a window whose result has not come
 * back in time. Bounded: at most `maxKept` windows are kept (the least recently sent is dropped first).
 */
export interface UnansweredWindowsOptions {
  /** a window without a result this long after it was (last) sent is due to be sent again */
  resendAfterMs: number;
  /** windows kept at most; beyond it the least recently sent one is dropped and counted */
  maxKept: number;
}

interface Pending<W> {
  window: W;
  sentAt: number;
}

export class UnansweredWindows<W> {
  private readonly pending = new Map<string, Pending<W>>();
  /** windows sent again because no result came back in time */
  resent = 0;
  /** windows dropped without a result because more than `maxKept` were waiting */
  dropped = 0;

  constructor(private readonly options: UnansweredWindowsOptions) {}

  get size(): number {
    return this.pending.size;
  }

  /** Keeps `window` (published at `now`) until answered(key). */
  sent(key: string, window: W, now: number): void {
    this.pending.delete(key);
    this.pending.set(key, { window, sentAt: now });
    for (const oldest of this.pending.keys()) {
      if (this.pending.size <= this.options.maxKept) break;
      this.pending.delete(oldest);
      this.dropped++;
    }
  }

  /** A result for `key` arrived; true if it was still waiting (false for a duplicate or unknown result). */
  answered(key: string): boolean {
    return this.pending.delete(key);
  }

  /** The windows to send again at `now`; each then waits `resendAfterMs` again. */
  due(now: number): W[] {
    const dueKeys: string[] = [];
    // The map is in order of last sending, so the first window not yet due ends the search.
    for (const [key, entry] of this.pending) {
      if (now - entry.sentAt < this.options.resendAfterMs) break;
      dueKeys.push(key);
    }
    const due = dueKeys.map((key) => {
      const { window } = this.pending.get(key)!;
      this.pending.delete(key);
      this.pending.set(key, { window, sentAt: now });
      return window;
    });
    this.resent += due.length;
    return due;
  }

  clear(): void {
    this.pending.clear();
  }
}

/** The key of a window or of its result: its stream and sequence number. */
export function windowKeyOf(payload: unknown): string | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const { streamId, seq } = payload as { streamId?: unknown; seq?: unknown };
  return typeof streamId === 'string' && typeof seq === 'number' ? `${streamId}#${seq}` : undefined;
}

/** True for an emotion prediction (a worker's result) rather than a feature window. */
export function isPredictionPayload(payload: unknown): boolean {
  return payload !== null && typeof payload === 'object' && typeof (payload as { emotion?: unknown }).emotion === 'string';
}
