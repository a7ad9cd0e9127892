import type { Node } from 'node-red';
import { ACTIVE_STREAM_MS } from '../../core/stream-state-map';
import { REFUSED_RECENT_MS, RefusedStreams } from '../../core/refused-streams';

/**
 * A node's refused streams (every place held by an active stream): counted for its status, and told in the log once
 * when refusing starts and at most once every REFUSED_RECENT_MS while it goes on, not once per chunk.
 */
export class RefusedStreamsWarning {
  private lastWarned = -Infinity;

  /** `streams`: where refusals are counted (the node's own, or one its core keeps, e.g. FeatureWindowPool's) */
  constructor(
    private readonly node: Pick<Node, 'warn'>,
    private readonly maxStreams: number,
    readonly streams: RefusedStreams = new RefusedStreams(),
    private readonly now: () => number = Date.now,
  ) {}

  /** A chunk of `streamId` was refused: counted and warned of. */
  refused(streamId: string): void {
    this.streams.note(streamId);
    this.warn(streamId);
  }

  /** Warns of a refusal already counted in `streams`. */
  warn(streamId: string): void {
    const now = this.now();
    if (now - this.lastWarned < REFUSED_RECENT_MS) return;
    this.lastWarned = now;
    const count = this.streams.recent;
    this.node.warn(
      `refusing ${count} stream${count === 1 ? '' : 's'} (e.g. "${streamId}"): all ${this.maxStreams} places (Max streams) ` +
        `hold streams heard in the last ${ACTIVE_STREAM_MS / 1000} s; raise Max streams or send this node fewer streams`,
    );
  }

  /** Status text for streams refused lately ('' when none). */
  text(): string {
    const count = this.streams.recent;
    return count > 0 ? `, ${count} refused` : '';
  }
}
