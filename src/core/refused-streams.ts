/** A stream counts as refused for this long after its last refused chunk. */
export const REFUSED_RECENT_MS = 10_000;
/** Refused ids remembered at most (a flood of new ids must not grow memory). */
const MAX_REMEMBERED = 10_000;

/**
 * Streams refused because every place (Max streams) was held by an active stream: how many were refused lately, for a
 * node's status and its warning.
 */
export class RefusedStreams {
  /** id → when its last chunk was refused, least recently refused first */
  private readonly lastRefused = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes a refused chunk of the stream. */
  note(streamId: string): void {
    this.lastRefused.delete(streamId);
    this.lastRefused.set(streamId, this.now());
    if (this.lastRefused.size > MAX_REMEMBERED) this.lastRefused.delete(this.lastRefused.keys().next().value as string);
  }

  /** The stream was admitted after all (a place freed up): it no longer counts as refused. */
  admitted(streamId: string): void {
    if (this.lastRefused.size > 0) this.lastRefused.delete(streamId);
  }

  /** Streams with a chunk refused within the last REFUSED_RECENT_MS. */
  get recent(): number {
    const since = this.now() - REFUSED_RECENT_MS;
    for (const [streamId, at] of this.lastRefused) {
      if (at >= since) break;
      this.lastRefused.delete(streamId);
    }
    return this.lastRefused.size;
  }
}
