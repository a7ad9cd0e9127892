import type { PoolRequest } from './feature-window-pool-protocol';

/** What a LaneQueue holds: a request, its audio bytes, when it came, and the stream it belongs to (push requests). */
export interface QueuedJob {
  request: PoolRequest;
  bytes: number;
  arrived: number;
  /** push requests: the stream's placement (any object that is the same for all of one stream's chunks on the lane) */
  assignment?: object;
}

/**
 * The requests waiting for one thread of a FeatureWindowPool, in two queues: chunks that complete a window (and the
 * earlier chunks of their streams still waiting, which must go first) ahead of chunks that complete none.
 *
 * Only a window-completing chunk's wait is a prediction's latency; a chunk that completes none has until its stream's
 * next window (up to a hop later) before anyone waits for it. So when a thread falls behind for a moment (a burst of
 * first windows, the host slower for a while) the windows keep their latency and the rest catches up after. Each
 * stream's requests still run in the order they came: a chunk put ahead takes its stream's waiting chunks along,
 * and nothing is put ahead of a waiting reset (it may be the reset of that stream, or of every stream).
 */
export class LaneQueue<J extends QueuedJob> {
  private ahead: J[] = [];
  private behind: J[] = [];
  /** resets waiting in `behind` */
  private resetsBehind = 0;
  /** chunks waiting in `behind`, by stream */
  private readonly behindByStream = new Map<object, number>();
  /** audio bytes of the requests waiting */
  bytes = 0;

  get length(): number {
    return this.ahead.length + this.behind.length;
  }

  /** The request that goes next. */
  peek(): J | undefined {
    return this.ahead.length > 0 ? this.ahead[0] : this.behind[0];
  }

  /**
   * Adds a request at the end; `completesWindow`: a chunk whose answer someone waits for, which goes ahead of the
   * chunks that complete no window (with its stream's waiting chunks) unless a reset waits.
   */
  add(job: J, completesWindow: boolean): void {
    this.bytes += job.bytes;
    if (completesWindow && this.resetsBehind === 0) {
      if (job.assignment !== undefined && this.behindByStream.has(job.assignment)) this.takeAhead(job.assignment);
      this.ahead.push(job);
      return;
    }
    this.behind.push(job);
    this.countBehind(job, 1);
  }

  /** Takes the request that goes next. */
  shift(): J | undefined {
    const fromAhead = this.ahead.length > 0;
    const job = fromAhead ? this.ahead.shift() : this.behind.shift();
    if (job === undefined) return undefined;
    this.bytes -= job.bytes;
    if (!fromAhead) this.countBehind(job, -1);
    return job;
  }

  /**
   * Takes the oldest requests (by arrival) while `more()`; `keep(job)` says whether one taken stays where it was
   * (a dropped last chunk that became its stream's reset). Only the queues' heads are touched.
   */
  dropOldestWhile(more: () => boolean, keep: (job: J) => boolean): void {
    const keptAhead: J[] = [];
    const keptBehind: J[] = [];
    while (more()) {
      const fromAhead = this.ahead.length > 0 && (this.behind.length === 0 || this.ahead[0].arrived <= this.behind[0].arrived);
      const job = fromAhead ? this.ahead.shift() : this.behind.shift();
      if (job === undefined) break;
      this.bytes -= job.bytes;
      if (!fromAhead) this.countBehind(job, -1);
      if (keep(job)) (fromAhead ? keptAhead : keptBehind).push(job);
    }
    this.putBack(keptAhead, keptBehind);
  }

  /** Keeps only the requests for which `keep(job)` holds (it may change a request before saying so). */
  filter(keep: (job: J) => boolean): void {
    const ahead = this.ahead;
    const behind = this.behind;
    this.ahead = [];
    this.behind = [];
    this.bytes = 0;
    this.resetsBehind = 0;
    this.behindByStream.clear();
    const keptAhead = ahead.filter(keep);
    const keptBehind = behind.filter(keep);
    this.putBack(keptAhead, keptBehind);
  }

  /** Takes every request, in the order they would have gone. */
  clear(): J[] {
    const all = [...this.ahead, ...this.behind];
    this.ahead = [];
    this.behind = [];
    this.bytes = 0;
    this.resetsBehind = 0;
    this.behindByStream.clear();
    return all;
  }

  private putBack(ahead: J[], behind: J[]): void {
    for (const job of ahead) this.bytes += job.bytes;
    for (const job of behind) {
      this.bytes += job.bytes;
      this.countBehind(job, 1);
    }
    if (ahead.length > 0) this.ahead.unshift(...ahead);
    if (behind.length > 0) this.behind.unshift(...behind);
  }

  /** Moves a stream's waiting chunks from behind to the end of ahead, in their order. */
  private takeAhead(stream: object): void {
    const kept: J[] = [];
    for (const job of this.behind) {
      if (job.assignment === stream) this.ahead.push(job);
      else kept.push(job);
    }
    this.behind = kept;
    this.behindByStream.delete(stream);
  }

  private countBehind(job: J, change: 1 | -1): void {
    if (job.request.kind === 'reset') this.resetsBehind += change;
    const stream = job.assignment;
    if (job.request.kind !== 'push' || stream === undefined) return;
    const count = (this.behindByStream.get(stream) ?? 0) + change;
    if (count > 0) this.behindByStream.set(stream, count);
    else this.behindByStream.delete(stream);
  }
}
