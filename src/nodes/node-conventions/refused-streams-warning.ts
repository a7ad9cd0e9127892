import type { Node } from 'node-red';
import { ACTIVE_STREAM_MS } from '../../core/stream-state-map';
import { REFUSED_RECENT_MS } from '../../core/refused-streams';

/**
 * Tells the log that streams are refused (every place held by an active stream): once when refusing starts and at
 * most once every REFUSED_RECENT_MS while it goes on, not once per chunk.
 */
export class RefusedStreamsWarning {
  private lastWarned = -Infinity;

  /** `recentlyRefused`: how many streams were refused lately (RefusedStreams.recent) */
  constructor(
    private readonly node: Pick<Node, 'warn'>,
    private readonly maxStreams: number,
    private readonly recentlyRefused: () => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A chunk of `streamId` was refused (and counted). */
  refused(streamId: string): void {
    const now = this.now();
    if (now - this.lastWarned < REFUSED_RECENT_MS) return;
    this.lastWarned = now;
    const count = this.recentlyRefused();
    this.node.warn(
      `refusing ${count} stream${count === 1 ? '' : 's'} (e.g. "${streamId}"): all ${this.maxStreams} places (Max streams) ` +
        `hold streams heard in the last ${ACTIVE_STREAM_MS / 1000} s; raise Max streams or send this node fewer streams`,
    );
  }
}

/** Status text for streams refused lately ('' when none). */
export function refusedText(count: number): string {
  return count > 0 ? `, ${count} refused` : '';
}
