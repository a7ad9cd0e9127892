import { RollingSum } from './feature-window-pool-rolling-sum';

/** A chunk that waited for the thread longer than this share of the lag budget means the lane is overloaded. */
const OVERLOADED_WAIT = 0.75;
/** A lane's load is measured over this long. */
const MEASURE_MS = 2000;
/** An overloaded lane keeps the streams that load its thread to about this share of what it served. */
const TARGET_LOAD = 0.85;
/** Shed streams are taken back only while the thread, with them, stays busy at most this share of the time. */
const READMIT_LOAD = 0.8;
/** Take-backs that overload the lane again make the next wait twice as long, up to this. */
const MAX_READMIT_EVERY_MS = 60_000;
/** A lane not overloaded for this long takes streams back at the shortest wait again. */
const CALM_MS = 60_000;

export interface LaneAdmissionSettings {
  /** the pool's lag budget: a chunk that waited for the thread for most of it means the lane is overloaded */
  lagBudgetMs: number;
  /** bound on the streams remembered (admitted and shed each) */
  maxStreams: number;
}

interface Admitted {
  lastSeen: number;
}

interface Shed {
  since: number;
  lastSeen: number;
}

/**
 * Admission control of one lane (one thread) of a FeatureWindowPool. Streams are admitted until the lane is
 * first overloaded (a chunk waited for the thread for 3/4 of the lag budget, or its queue filled). Then the lane
 * measures what its thread served against what the admitted streams sent, keeps the oldest streams that load it
 * to about 85%, and sheds the newest: their audio is dropped on arrival. Shed streams are taken back only when the
 * thread has measured headroom (busy below 80% with them, at most twice as many streams per step, one step
 * per measuring period of 2 s), and after a take-back that overloads the lane again the next one waits twice as
 * long. So the streams served stay served, instead of every stream taking turns and none filling a window.
 */
export class LaneAdmission {
  /** in the order they were admitted (a Map keeps it): the newest are shed first */
  private readonly admitted = new Map<string, Admitted>();
  private readonly shed = new Map<string, Shed>();
  /** most streams admitted at once; none until the lane is first overloaded */
  private limit = Infinity;
  private readonly arrivedSeconds = new RollingSum(MEASURE_MS);
  private readonly servedSeconds = new RollingSum(MEASURE_MS);
  private readonly busyMs = new RollingSum(MEASURE_MS);
  /** when the thread first answered: its measures cover no more than the time since */
  private servingSince: number | undefined;
  private lastCutAt = -Infinity;
  private lastReadmitAt = -Infinity;
  private readmitEveryMs = MEASURE_MS;
  /** streams that may still be taken back in this step */
  private grants = 0;

  constructor(private readonly settings: LaneAdmissionSettings) {}

  /** Streams whose audio goes to the thread. */
  get admittedStreams(): number {
    return this.admitted.size;
  }

  /** Streams whose audio is dropped on arrival. */
  get shedStreams(): number {
    return this.shed.size;
  }

  /** A stream not seen before would be shed on arrival: the lane admits as many streams as it measured room for. */
  get full(): boolean {
    return this.admitted.size >= this.limit;
  }

  /** A shed stream stays shed at least this long. */
  private get holdMs(): number {
    return 2 * this.settings.lagBudgetMs;
  }

  /** Whether a chunk of this stream goes to the thread; if not, it is dropped on arrival. */
  admits(streamId: string, now: number): boolean {
    const admitted = this.admitted.get(streamId);
    if (admitted) {
      admitted.lastSeen = now;
      return true;
    }
    const shed = this.shed.get(streamId);
    if (!shed) {
      if (this.admitted.size < this.limit) return this.admit(streamId, now);
      this.remember(this.shed, streamId, { since: now, lastSeen: now });
      return false;
    }
    shed.lastSeen = now;
    if (now - shed.since < this.holdMs || !this.mayTakeBack(now)) return false;
    this.shed.delete(streamId);
    return this.admit(streamId, now);
  }

  /** The thread's measured work per audio second, ms (over the last 2 s); undefined before it has served any. */
  busyMsPerAudioSecond(now: number): number | undefined {
    const served = this.servedSeconds.sum(now);
    return served > 0 ? this.busyMs.sum(now) / served : undefined;
  }

  /** Audio of an admitted stream arrived. */
  arrived(seconds: number, now: number): void {
    this.arrivedSeconds.add(now, seconds);
  }

  /** The thread answered a chunk of `seconds` after working on it for `busyMs`. */
  served(seconds: number, busyMs: number, now: number): void {
    this.servingSince ??= now;
    this.servedSeconds.add(now, seconds);
    this.busyMs.add(now, busyMs);
  }

  /**
   * A chunk goes to the thread after waiting `waitMs` for it. Beyond 3/4 of the lag budget the lane is overloaded: the newest
   * streams beyond what the thread keeps up with are shed, and returned (their waiting audio is to be dropped).
   * After a cut the lane gets a lag budget's time to catch up before it cuts again.
   */
  sent(waitMs: number, now: number): string[] {
    return waitMs > OVERLOADED_WAIT * this.settings.lagBudgetMs ? this.overloaded(now) : [];
  }

  /**
   * The lane's queue is full (its share of the pool's bytes): overloaded as well, whatever the wait. Without this a
   * lane whose queue filled before its chunks had waited 3/4 of the budget dropped the oldest waiting audio, of any
   * stream: at 2,000 streams on 2 threads every stream lost a third of its chunks and 275 of them completed a window
   * (379 windows of 36,000 in 20 s); the cut keeps whole streams served instead.
   */
  queueFull(now: number): string[] {
    return this.overloaded(now);
  }

  /** Sheds the newest streams beyond what the thread keeps up with, and returns them (at most one cut per lag budget). */
  private overloaded(now: number): string[] {
    const budget = this.settings.lagBudgetMs;
    if (!(budget > 0) || now - this.lastCutAt < budget || this.admitted.size <= 1) return [];
    const covered = this.coveredMs(now);
    const busy = this.busyMs.sum(now);
    // Not measured yet (a thread still starting): a cut would keep next to nothing (at 2,000 streams the queues
    // filled in the first second, the cut kept 1 stream a lane, and taking streams back took the rest of the run).
    if (covered < MEASURE_MS / 2 || !(busy > 0)) return [];
    const arrived = this.arrivedSeconds.sum(now);
    // audio seconds per second the thread serves when busy all the time, and those the admitted streams send
    const capacity = this.servedSeconds.sum(now) / busy;
    const demand = covered > 0 ? arrived / covered : 0;
    const fits = capacity > 0 && demand > 0 ? Math.floor((this.admitted.size * TARGET_LOAD * capacity) / demand) : 0;
    const keep = Math.max(1, Math.min(fits, this.admitted.size - 1));
    const cut = [...this.admitted.keys()].slice(keep);
    for (const streamId of cut) {
      this.admitted.delete(streamId);
      this.remember(this.shed, streamId, { since: now, lastSeen: now });
    }
    // A take-back that overloaded the lane again: wait longer before the next.
    if (now - this.lastReadmitAt < 2 * MEASURE_MS + budget) this.readmitEveryMs = Math.min(2 * this.readmitEveryMs, MAX_READMIT_EVERY_MS);
    this.limit = keep;
    this.lastCutAt = now;
    this.grants = 0;
    return cut;
  }

  /** A stream ended or was reset (every stream without an id). */
  forget(streamId?: string): void {
    if (streamId === undefined) {
      this.admitted.clear();
      this.shed.clear();
    } else {
      this.admitted.delete(streamId);
      this.shed.delete(streamId);
    }
  }

  /** Forgets streams that stopped sending. */
  sweep(now: number): void {
    const quietMs = Math.max(10 * this.holdMs, 10_000);
    for (const map of [this.admitted, this.shed] as Array<Map<string, { lastSeen: number }>>) {
      for (const [streamId, entry] of map) if (now - entry.lastSeen > quietMs) map.delete(streamId);
    }
  }

  private admit(streamId: string, now: number): true {
    this.remember(this.admitted, streamId, { lastSeen: now });
    return true;
  }

  private remember<S>(map: Map<string, S>, streamId: string, state: S): void {
    if (map.size >= this.settings.maxStreams) map.delete(map.keys().next().value as string);
    map.set(streamId, state);
  }

  /** How long the lane's measures cover: their window, or the time since the thread first answered if shorter. */
  private coveredMs(now: number): number {
    return this.servingSince === undefined ? 0 : Math.min(this.busyMs.coveredMs(now), now - this.servingSince);
  }

  /** Whether one more shed stream may be taken back now. */
  private mayTakeBack(now: number): boolean {
    // room left by streams that ended: the load measured for the limit allows it
    if (this.admitted.size < this.limit) return true;
    if (this.grants === 0) this.grants = this.headroom(now);
    if (this.grants === 0) return false;
    this.grants--;
    this.limit++;
    this.lastReadmitAt = now;
    return true;
  }

  /** How many more streams the thread has measured room for (at most as many as it serves, each step measured before the next). */
  private headroom(now: number): number {
    if (now - this.lastCutAt > CALM_MS) this.readmitEveryMs = MEASURE_MS;
    if (now - this.lastCutAt < this.readmitEveryMs || now - this.lastReadmitAt < this.readmitEveryMs) return 0;
    const covered = this.coveredMs(now);
    if (covered < MEASURE_MS / 2) return 0;
    const busyShare = this.busyMs.sum(now) / covered;
    const perStream = busyShare / Math.max(1, this.admitted.size);
    const fits = Math.floor((READMIT_LOAD - busyShare) / Math.max(perStream, 1e-3));
    return Math.max(0, Math.min(fits, Math.max(1, this.admitted.size)));
  }
}
