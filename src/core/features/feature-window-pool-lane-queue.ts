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
  /** in arrival order; it may still hold chunks taken ahead since (skipped when they reach its head) */
  private behind: J[] = [];
  private taken = new WeakSet<J>();
  /** requests in `behind` not taken ahead */
  private waitingBehind = 0;
  /** resets waiting in `behind` */
  private resetsBehind = 0;
  /**
   * Each stream's chunks waiting in `behind`, in order: a chunk that goes ahead takes its stream's without walking the
   * queue (which can hold thousands when the thread is behind; walking it for every chunk would load the main thread
   * most when it can least afford it).
   */
  private readonly behindByStream = new Map<object, J[]>();
  /** audio bytes of the requests waiting */
  bytes = 0;

  get length(): number {
    return this.ahead.length + this.waitingBehind;
  }

  /** The request that goes next. */
  peek(): J | undefined {
    if (this.ahead.length > 0) return this.ahead[0];
    this.skipTaken();
    return this.behind[0];
  }

  /**
   * Adds a request at the end; `completesWindow`: a chunk whose answer someone waits for, which goes ahead of the
   * chunks that complete no window (with its stream's waiting chunks) unless a reset waits.
   */
  add(job: J, completesWindow: boolean): void {
    this.bytes += job.bytes;
    if (completesWindow && this.resetsBehind === 0) {
      if (job.assignment !== undefined) this.takeAhead(job.assignment);
      this.ahead.push(job);
      return;
    }
    this.behind.push(job);
    this.noteBehind(job, 'last');
  }

  /** Takes the request that goes next. */
  shift(): J | undefined {
    if (this.ahead.length > 0) return this.taking(this.ahead.shift() as J);
    this.skipTaken();
    const job = this.behind.shift();
    if (job === undefined) return undefined;
    this.forgetBehind(job);
    return this.taking(job);
  }

  /**
   * Takes the oldest requests (by arrival) while `more()`; `keep(job)` says whether one taken stays where it was
   * (a dropped last chunk that became its stream's reset). Only the queues' heads are touched.
   */
  dropOldestWhile(more: () => boolean, keep: (job: J) => boolean): void {
    const keptAhead: J[] = [];
    const keptBehind: J[] = [];
    while (more()) {
      this.skipTaken();
      const fromAhead = this.ahead.length > 0 && (this.behind.length === 0 || this.ahead[0].arrived <= this.behind[0].arrived);
      const job = fromAhead ? this.ahead.shift() : this.behind.shift();
      if (job === undefined) break;
      this.bytes -= job.bytes;
      if (!fromAhead) this.forgetBehind(job);
      if (keep(job)) (fromAhead ? keptAhead : keptBehind).push(job);
    }
    for (const job of keptAhead) this.bytes += job.bytes;
    if (keptAhead.length > 0) this.ahead.unshift(...keptAhead);
    for (let i = keptBehind.length - 1; i >= 0; i--) {
      this.bytes += keptBehind[i].bytes;
      this.behind.unshift(keptBehind[i]);
      this.noteBehind(keptBehind[i], 'first');
    }
  }

  /** Keeps only the requests for which `keep(job)` holds (it may change a request before saying so). */
  filter(keep: (job: J) => boolean): void {
    const [ahead, behind] = this.takeAll();
    for (const job of ahead.filter(keep)) this.add(job, true);
    for (const job of behind.filter(keep)) this.add(job, false);
  }

  /** Takes every request, in the order they would have gone. */
  clear(): J[] {
    const [ahead, behind] = this.takeAll();
    return [...ahead, ...behind];
  }

  private takeAll(): [J[], J[]] {
    const ahead = this.ahead;
    const behind = this.behind.filter((job) => !this.taken.has(job));
    this.ahead = [];
    this.behind = [];
    this.taken = new WeakSet<J>();
    this.waitingBehind = 0;
    this.resetsBehind = 0;
    this.behindByStream.clear();
    this.bytes = 0;
    return [ahead, behind];
  }

  private taking(job: J): J {
    this.bytes -= job.bytes;
    return job;
  }

  /** Moves a stream's waiting chunks from behind to the end of ahead, in their order. */
  private takeAhead(stream: object): void {
    const jobs = this.behindByStream.get(stream);
    if (jobs === undefined) return;
    this.behindByStream.delete(stream);
    this.waitingBehind -= jobs.length;
    for (const job of jobs) {
      this.taken.add(job);
      this.ahead.push(job);
    }
    // chunks taken ahead leave `behind` when they reach its head: while the thread stays behind that may take long
    if (this.behind.length > 2 * this.waitingBehind + 1024) this.behind = this.behind.filter((job) => !this.taken.has(job));
  }

  /** Drops the chunks at the head of `behind` that were taken ahead. */
  private skipTaken(): void {
    while (this.behind.length > 0 && this.taken.has(this.behind[0])) this.taken.delete(this.behind.shift() as J);
  }

  /** A request now waits in `behind`: first or last of its stream's there. */
  private noteBehind(job: J, where: 'first' | 'last'): void {
    this.waitingBehind++;
    if (job.request.kind === 'reset') this.resetsBehind++;
    const stream = job.assignment;
    if (job.request.kind !== 'push' || stream === undefined) return;
    const jobs = this.behindByStream.get(stream);
    if (jobs === undefined) this.behindByStream.set(stream, [job]);
    else if (where === 'last') jobs.push(job);
    else jobs.unshift(job);
  }

  /** The head of `behind` left it (the oldest of its stream's there). */
  private forgetBehind(job: J): void {
    this.waitingBehind--;
    if (job.request.kind === 'reset') this.resetsBehind--;
    const stream = job.assignment;
    if (job.request.kind !== 'push' || stream === undefined) return;
    const jobs = this.behindByStream.get(stream);
    if (jobs === undefined) return;
    jobs.shift();
    if (jobs.length === 0) this.behindByStream.delete(stream);
  }
}
