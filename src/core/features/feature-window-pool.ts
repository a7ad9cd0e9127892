import { availableParallelism, cpus } from 'node:os';
import { RefusedStreams } from '../refused-streams';
import { ACTIVE_STREAM_MS } from '../stream-state-map';
import { DroppedAudioLedger } from './dropped-audio-ledger';
import { LaneAdmission } from './feature-window-pool-admission';
import { LaneLoad } from './feature-window-pool-lane-load';
import { LaneQueue, type QueuedJob } from './feature-window-pool-lane-queue';
import { DEFAULT_STREAM_LIMITS, FeatureWindowRegistry, StreamLimits } from './feature-window-registry';
import { applyPoolRequest, PoolReply, PoolRequest, PoolThreadSetup } from './feature-window-pool-protocol';
import { StreamNumbering } from './feature-window-pool-numbering';
import { FeatureWindowPoolThread } from './feature-window-pool-thread';
import { isStaged, type StagedSamples } from './feature-window-pool-sample-slabs';
import { PoolTrace } from './feature-window-pool-trace';
import { FeatureWindow, FeatureWindowOptions, hopSamplesOf } from './feature-window-stream';
import { SAMPLE_RATE } from './pyaudioanalysis-constants';

export interface FeatureWindowPoolOptions {
  /**
   * most worker threads (lanes), opened as the load needs them; 0 computes on the calling thread (default: the
   * cores, at least 1)
   */
  threads: number;
  /**
   * a chunk later than this when its turn comes is dropped, ms (0 = never). Its lateness is the
   * time since its last sample (timestamped audio), or the time it waited in the pool (audio without a timestamp).
   */
  lagBudgetMs: number;
  /** most bytes of audio waiting for the threads, all together; beyond, the oldest waiting audio is dropped */
  maxQueuedBytes: number;
  /**
   * a thread holds at least 4 chunks, and up to 64 while their measured work stays under this, ms (default 100):
   * enough that it does not sit idle while the main thread is busy, little enough that late audio is still
   * dropped before it reaches the thread
   */
  inFlightWorkMs?: number;
  /** a thread stopped without being asked (it is replaced) */
  onThreadError: (err: Error) => void;
  /**
   * which windows the owner sends on (e.g. voiced ones only): the seconds dropped before a window wait for the
   * first window sent, so they are not lost with windows nobody sees (default: every window)
   */
  windowSent?: (window: FeatureWindow) => boolean;
  /** starts the thread of a lane: a worker thread, or (tests) a thread of one's own, e.g. a deliberately slow one */
  startThread?: (index: number, setup: PoolThreadSetup, onStopped: (err: Error) => void, onReady: () => void) => PoolThread;
}

/** What a lane needs of its thread. */
export interface PoolThread {
  /** ms since epoch since which the thread takes requests; undefined while it starts */
  readonly ready: number | undefined;
  readonly threadId: number | undefined;
  /** answers requests in the order they were made */
  run(request: PoolRequest, transfer: ArrayBuffer[]): Promise<PoolReply>;
  dispose(): Promise<void>;
  /** copies samples to where the thread reads them (undefined: send them in the request); release() once done */
  stage?(samples: Float32Array | Int16Array): StagedSamples | undefined;
  release?(staged: StagedSamples): void;
}

/**
 * The cores, at least 1: the most threads a pool opens by default. It opens a second only when the first would be
 * busy more than SPREAD_AT of the time, so a light load stays on one thread (a second one costs memory and a warm-up).
 */
export function defaultThreadCount(): number {
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  return Math.max(1, cores);
}

export const DEFAULT_POOL_OPTIONS: FeatureWindowPoolOptions = {
  threads: defaultThreadCount(),
  lagBudgetMs: 2000,
  maxQueuedBytes: 64 * 1024 * 1024,
  onThreadError: () => undefined,
};

/**
 * Requests a thread holds at once; the rest wait in the pool, where late audio can still be dropped. At least
 * MIN_IN_FLIGHT, and more while their measured work stays under `inFlightWorkMs`. With 4 chunks at most (~2 ms
 * of work) a thread sat idle whenever Node-RED's main thread was busy for longer: at 600 streams the pool served
 * 3,260 of 10,800 windows with the process using 0.75 cores; with up to 64 and 100 ms, 7,861 (npm run bench, 20 s).
 */
const MIN_IN_FLIGHT = 4;
const MAX_IN_FLIGHT = 64;
const DEFAULT_IN_FLIGHT_WORK_MS = 100;

/**
 * A new stream goes to the least busy open lane while that stays busy at most this share of the time with it; else
 * a lane opens (when all are open, the least busy takes it). Streams stay where they are placed, and the windows of
 * streams started together fall due together, so a lane's average load understates its bursts: with the first lane
 * filled to 70% before the next opened, 1,000 streams on 2 threads were placed 822 and 178, and the first thread's
 * queue set the latency tail (docs/benchmark.md, "One thread held 822 of the 1,000 streams"); spread from 25%, 500
 * and 500.
 */
const SPREAD_AT = 0.25;
/** A stream a lane shed moves to the least busy lane that stays busy at most this share of the time with it. */
const HEADROOM_AT = 0.7;
/**
 * A thread's work per audio second before any lane has measured it on streams past their start (steadyFromSample),
 * ms: the feature thread's CPU at 100 streams was 2.1 ms per stream-second (README, "Where the CPU goes"), with some
 * margin for a shared machine.
 */
const PRIOR_MS_PER_AUDIO_SECOND = 3;
/** A stream placed on a lane counts in its load while heard within this long. */
const HEARD_LATELY_MS = ACTIVE_STREAM_MS;
/** How often the streams heard lately are counted again (in between, placing a stream counts it). */
const RECOUNT_EVERY_MS = 1000;

export interface PoolPushResult {
  windows: FeatureWindow[];
  /** this chunk was dropped (late, the queue was full, or its stream refused); it gave no windows */
  dropped: boolean;
  /** its stream was refused: every place (maxStreams) held an active stream */
  refused?: boolean;
  /** with windows (one of them sent, by `windowSent`): seconds of this stream's audio dropped since the previous such window */
  droppedSeconds?: number;
}

interface Job extends QueuedJob {
  request: PoolRequest;
  /** audio bytes waiting (push requests) */
  bytes: number;
  seconds: number;
  /** ms since epoch of the chunk's last sample (Infinity without a timestamp) and of its arrival in the pool */
  lastSampleAt: number;
  arrived: number;
  /** when it went to the thread */
  sentAt: number;
  /** the stream was past its first window when the chunk came: its work tells the lane's cost (see steadyFromSample) */
  steady: boolean;
  /** push requests: the stream's placement when the chunk came */
  assignment: Assignment | undefined;
  /** push requests: the stream's numbers (StreamNumbering) of the chunk's first sample and of the sample after its last */
  firstSample: number;
  endSample: number;
  /** someone waits for its answer: it goes ahead of chunks that complete no window (LaneQueue) */
  completesWindow: boolean;
  /** how much longer than the lag budget it may wait: until its stream's next window ends (see classify) */
  slackMs: number;
  /** the chunk restarts its stream's state (after a gap, or as the first on a lane the stream moved to) */
  restarts: boolean;
  /** its samples, staged by this thread until released */
  staged: { thread: PoolThread; samples: StagedSamples } | undefined;
  resolve: (result: PoolPushResult) => void;
  reject: (err: Error) => void;
}

interface Lane {
  index: number;
  queue: LaneQueue<Job>;
  /** which streams' audio goes to the thread, and which is shed */
  admission: LaneAdmission;
  /** when the thread last answered */
  lastReplyAt: number;
  inFlight: number;
  /** audio seconds of the requests in flight */
  inFlightSeconds: number;
  /** on a worker thread; without one, on the calling thread */
  thread?: PoolThread;
  registry?: FeatureWindowRegistry;
  /** how busy its thread is and would be with one more stream */
  load: LaneLoad;
  size: number;
  droppedStreams: number;
  /** bytes its streams hold, as the thread last said */
  bytes: number;
}

/**
 * The lane a stream's audio goes to, from its first chunk until it ends, is reset, idles out or is moved. Every field
 * is set when it is made (see newJob).
 */
interface Assignment {
  lane: Lane;
  lastSeen: number;
  /** the answer to its latest chunk */
  last: Promise<unknown> | undefined;
  /** after a move: its answers wait for this (the previous lane's last answer), so they keep the stream's order */
  after: Promise<unknown> | undefined;
  numbering: StreamNumbering;
  /**
   * the stream's number of the sample at which its next window ends, as its thread last said (after a restart, which
   * may move its windows, a guess until the restarted stream's first answer: it only orders the lane's queue)
   */
  nextWindowAt: number | undefined;
  /** moved: its next chunk that runs on this lane starts its state afresh */
  restartOn: Lane | undefined;
}

const ignore = () => undefined;

/**
 * A job with every field present from the start, in one order: fields added later (a chunk found to complete a
 * window, staged, restarting) gave jobs new hidden classes, and V8 threw away the pool's optimised code the first time
 * each appeared (a --trace-deopt of 1,000 streams: 13 functions at the streams' first windows, more later).
 */
function newJob(fields: Omit<Job, 'bytes' | 'completesWindow' | 'slackMs' | 'restarts' | 'staged'>): Job {
  return {
    request: fields.request,
    bytes: 0,
    seconds: fields.seconds,
    lastSampleAt: fields.lastSampleAt,
    arrived: fields.arrived,
    sentAt: fields.sentAt,
    steady: fields.steady,
    assignment: fields.assignment,
    firstSample: fields.firstSample,
    endSample: fields.endSample,
    completesWindow: false,
    slackMs: 0,
    restarts: false,
    staged: undefined,
    resolve: fields.resolve,
    reject: fields.reject,
  };
}

/**
 * A transferable copy-free array when the caller gives its samples up and they fill their own
 * ArrayBuffer; a copy otherwise (a view into a larger or pooled buffer, such as a slice of Node's
 * Buffer pool, must not be detached).
 */
function transferable(samples: Float32Array | Int16Array, owned: boolean): Float32Array | Int16Array {
  const whole = samples.byteOffset === 0 && samples.byteLength === samples.buffer.byteLength;
  return owned && whole && samples.buffer instanceof ArrayBuffer ? samples : samples.slice();
}

/**
 * FeatureWindowRegistry's operations spread over worker threads ("lanes"), opened as the load needs them: a
 * stream is placed on a lane when first heard, the least busy open lane while its predicted load (LaneLoad) keeps
 * it busy at most 25% of the time; when none would, the next lane's thread starts (up to `threads`). A stream
 * stays on its lane, which keeps its windows in order; different streams run in parallel.
 * Audio waits in a bounded queue per thread, where a lag budget drops the oldest late audio of a
 * stream (its state is then reset, so no window spans the gap), counted per stream and in total.
 * When a thread cannot keep up, its lane sheds whole streams (LaneAdmission): the newest ones beyond
 * what the thread serves, taken back only when the thread has measured headroom. A shed stream moves to a
 * lane with headroom (opened if need be) and starts afresh there; its answers wait for those still due from
 * its previous lane, so its order stays. Lanes stay open until the pool is disposed.
 * With 0 threads everything runs on the calling thread, as FeatureWindowRegistry itself does.
 */
export class FeatureWindowPool {
  private readonly lanes: Lane[] = [];
  /** in the order streams were last heard (least recently heard first) */
  private readonly assignments = new Map<string, Assignment>();
  /** streams just reset or ended whose previous lane still owes answers: a new placement waits for them */
  private readonly draining = new Map<string, Promise<unknown>>();
  private readonly maxLanes: number;
  /**
   * A stream's chunks from this sample on (its first window and a hop, by which its windows have begun even when
   * staggered) tell a lane's cost; earlier ones do not, with no window yet and on a thread just started: in a pool
   * trace of 1,000 streams started together, the first thread's first 400 chunks took 0.10-0.12 ms each against
   * 0.33-0.37 ms a second later, so the first lane looked a third as busy as it was and kept 586 of the streams
   * (its queue then set the run's latency tail). Until streams are past their start, placement uses the prior cost
   * for every lane, and spreads them evenly.
   */
  private readonly steadyFromSample: number;
  private readonly hopSamples: number;
  private readonly limits: StreamLimits;
  private readonly startLane: () => Lane;
  private measuredMsPerAudioSecond: number | undefined;
  private lastRecount = -Infinity;
  private evictedStreams = 0;
  private movedStreams = 0;
  private readonly settings: FeatureWindowPoolOptions;
  private readonly ledger: DroppedAudioLedger;
  /** streams whose audio was dropped since their last chunk went to a thread */
  private readonly gaps = new Set<string>();
  /** streams refused at maxStreams (every place active) */
  readonly refusals: RefusedStreams;
  private nextId = 1;
  private disposed = false;
  private readonly trace = PoolTrace.create();

  constructor(
    options: FeatureWindowOptions,
    limits: Partial<StreamLimits> = {},
    pool: Partial<FeatureWindowPoolOptions> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.settings = { ...DEFAULT_POOL_OPTIONS, ...pool };
    const { threads, lagBudgetMs, maxQueuedBytes } = this.settings;
    if (!Number.isInteger(threads) || threads < 0 || threads > 256) {
      throw new RangeError(`threads must be a whole number from 0 to 256, got ${String(threads)}`);
    }
    if (!(lagBudgetMs >= 0)) throw new RangeError(`lagBudgetMs must be >= 0, got ${String(lagBudgetMs)}`);
    if (!(maxQueuedBytes > 0)) throw new RangeError(`maxQueuedBytes must be > 0, got ${String(maxQueuedBytes)}`);
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...limits };
    const full = this.limits;
    this.maxLanes = Math.max(1, threads);
    this.steadyFromSample = Math.round((options.windowSeconds + options.hopSeconds) * SAMPLE_RATE);
    this.hopSamples = hopSamplesOf(options);
    const startThread =
      this.settings.startThread ?? ((index, setup, onStopped, onReady) => new FeatureWindowPoolThread(index, setup, onStopped, onReady));
    this.startLane = () => {
      const lane: Lane = {
        index: this.lanes.length,
        queue: new LaneQueue<Job>(),
        admission: new LaneAdmission({ lagBudgetMs, maxStreams: full.maxStreams }),
        lastReplyAt: -Infinity,
        inFlight: 0,
        inFlightSeconds: 0,
        load: new LaneLoad(now()),
        size: 0,
        droppedStreams: 0,
        bytes: 0,
      };
      // Each thread may hold every stream and the whole memory budget: the pool keeps the total within them.
      if (threads === 0) lane.registry = new FeatureWindowRegistry(options, full);
      else
        lane.thread = startThread(
          lane.index,
          { options, limits: full },
          (err) => this.settings.onThreadError(err),
          () => this.pump(lane),
        );
      this.lanes.push(lane);
      return lane;
    };
    // The first thread starts at once, so the first audio does not wait for it.
    this.startLane();
    this.ledger = new DroppedAudioLedger(full.maxStreams, full.idleSeconds * 1000, now);
    this.refusals = new RefusedStreams(now);
  }

  /** Worker threads open (0: the calling thread computes). */
  get threads(): number {
    return this.lanes[0].thread ? this.lanes.length : 0;
  }

  /** The most worker threads the pool opens (0: the calling thread computes). */
  get maxThreads(): number {
    return this.lanes[0].thread ? this.maxLanes : 0;
  }

  /** The running threads' ids (a thread being replaced has none). */
  threadIds(): number[] {
    return this.lanes.flatMap((lane) => (lane.thread?.threadId !== undefined ? [lane.thread.threadId] : []));
  }

  /** The thread that computes a stream's windows (undefined with 0 threads, or for a stream not placed). */
  threadOf(streamId: string): PoolThread | undefined {
    return this.assignments.get(streamId)?.lane.thread;
  }

  /** Streams placed on a lane (heard, and not ended, reset or idle since). */
  get placedStreams(): number {
    return this.assignments.size;
  }

  /** Streams moved from a lane that shed them to one with headroom, so far. */
  get moved(): number {
    return this.movedStreams;
  }

  /** Streams held, as the threads last said. */
  get size(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.size, 0);
  }

  /** Streams dropped to stay within maxStreams or maxBytes (not those ended, reset or idle). */
  get dropped(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.droppedStreams, this.evictedStreams);
  }

  /** Seconds of audio dropped for lateness or a full queue, all streams. */
  get droppedSeconds(): number {
    return this.ledger.totalSeconds;
  }

  /** Streams that dropped audio in the last 10 s. */
  get droppingStreams(): number {
    return this.ledger.dropping();
  }

  /** Streams refused in the last 10 s: every place (maxStreams) held a stream heard in the last 5 s. */
  get refusedStreams(): number {
    return this.refusals.recent;
  }

  /** Streams shed because their thread cannot keep up: their audio is dropped on arrival. */
  get shedStreams(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.admission.shedStreams, 0);
  }

  /** Bytes of audio waiting for the threads. */
  get queuedBytes(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.queue.bytes, 0);
  }

  /**
   * Adds a chunk to a stream; resolves with the windows it completes, in the stream's order. The samples are
   * copied for a thread (staged, see SampleSlabs); one too large to stage is moved to the thread without a copy when
   * the caller gives it up (`owned`) and it fills its own ArrayBuffer (the array is then empty).
   */
  push(
    streamId: string,
    samples: Float32Array | Int16Array,
    timestamp: number | undefined,
    final: boolean,
    owned = false,
  ): Promise<PoolPushResult> {
    if (this.disposed) return Promise.resolve({ windows: [], dropped: false });
    const arrived = this.now();
    const assignment = this.assignmentOf(streamId, arrived);
    if (!assignment) {
      this.refusals.note(streamId);
      return Promise.resolve({ windows: [], dropped: true, refused: true });
    }
    const seconds = samples.length / SAMPLE_RATE;
    const lastSampleAt = timestamp === undefined ? Infinity : timestamp + seconds * 1000;
    let answer!: (result: PoolPushResult) => void;
    let fail!: (err: Error) => void;
    const answered = new Promise<PoolPushResult>((resolve, reject) => {
      answer = resolve;
      fail = reject;
    });
    const request: PoolRequest = { kind: 'push', id: this.nextId++, streamId, samples, timestamp, final, afterGap: false };
    const firstSample = assignment.numbering.arrived(samples.length);
    const steady = firstSample >= this.steadyFromSample;
    const deliver = (result: PoolPushResult) => {
      assignment.numbering.renumber(result.windows, job.restarts ? firstSample : undefined);
      answer(result);
    };
    const job = newJob({
      request,
      seconds,
      lastSampleAt,
      arrived,
      sentAt: arrived,
      assignment,
      firstSample,
      endSample: firstSample + samples.length,
      steady,
      resolve: deliver,
      reject: fail,
    });
    this.classify(job);
    let lane = assignment.lane;
    // Already late on arrival (the main thread itself is behind): dropped before any copy or queueing.
    let admitted = !this.isLate(job, lane, arrived);
    if (admitted && !lane.admission.admits(streamId, arrived)) {
      // Shed by its lane: it moves to a lane with headroom, if there is one, and starts afresh there.
      const to = this.laneWithHeadroom(arrived, lane);
      if (to) {
        this.move(streamId, assignment, to);
        lane = to;
      }
      admitted = to !== undefined && to.admission.admits(streamId, arrived);
    }
    const after = assignment.after;
    if (after) {
      job.resolve = (result) => void after.then(() => deliver(result));
      job.reject = (err) => void after.then(() => fail(err));
    }
    assignment.last = answered;
    if (!admitted) {
      if (this.drop(job, lane)) this.enqueue(lane, job);
    } else {
      lane.admission.arrived(seconds, arrived);
      lane.load.arrived(seconds, arrived);
      job.bytes = samples.byteLength;
      if (lane.thread) this.prepareSamples(lane.thread, job, samples, owned);
      const room = this.settings.maxQueuedBytes / this.lanes.length;
      // A full queue means the lane is overloaded: shedding whole streams frees the room, rather than dropping
      // the oldest waiting audio of every stream (LaneAdmission.queueFull).
      const shed = lane.queue.bytes + job.bytes > room ? lane.admission.queueFull(arrived) : [];
      if (shed.length > 0) {
        this.dropShed(lane, shed);
        this.moveShed(lane, shed, arrived);
      }
      if (shed.includes(streamId)) {
        if (this.drop(job, lane)) this.enqueue(lane, job);
      } else {
        this.keepQueueWithin(lane, room - job.bytes);
        const fits = lane.queue.bytes + job.bytes <= room;
        if (fits || this.drop(job, lane)) this.enqueue(lane, job);
      }
    }
    // The stream ended: its next chunk (a new stream of that id) is placed afresh, after this one's answer.
    if (final) this.release(streamId, assignment, answered);
    this.pump(lane);
    return answered;
  }

  /** The samples of a chunk for a thread: staged where it reads them, else an array it can be given. */
  private prepareSamples(thread: PoolThread, job: Job, samples: Float32Array | Int16Array, owned: boolean): void {
    const request = job.request as PoolRequest & { kind: 'push' };
    const staged = thread.stage?.(samples);
    if (staged) {
      request.samples = staged;
      job.staged = { thread, samples: staged };
    } else {
      request.samples = transferable(samples, owned);
    }
  }

  /** The job's samples will not be read (any more): their place can be used again. */
  private unstage(job: Job): void {
    const staged = job.staged;
    if (!staged) return;
    job.staged = undefined;
    staged.thread.release?.(staged.samples);
  }

  /** Drops a stream's state (every stream's without an id), in order with its audio. */
  async reset(streamId?: string): Promise<void> {
    this.ledger.forget(streamId);
    if (streamId === undefined) {
      this.gaps.clear();
      for (const lane of this.lanes) lane.admission.forget();
      const done = Promise.all(this.lanes.map((lane) => this.control(lane, { kind: 'reset', id: this.nextId++ })));
      for (const [id, assignment] of this.assignments) this.release(id, assignment, done);
      return done.then(ignore);
    }
    this.gaps.delete(streamId);
    const assignment = this.assignments.get(streamId);
    // Never placed (or already freed): its state, if any, is being dropped already.
    if (!assignment) return;
    assignment.lane.admission.forget(streamId);
    const done = this.control(assignment.lane, { kind: 'reset', id: this.nextId++, streamId });
    this.release(streamId, assignment, done);
    await done;
  }

  /** Drops idle streams in every thread; whoever owns the pool calls it regularly. */
  sweep(): void {
    this.ledger.sweep();
    const now = this.now();
    const idleMs = this.limits.idleSeconds * 1000;
    if (idleMs > 0) {
      for (const [streamId, assignment] of this.assignments) {
        // least recently heard first: the rest were heard later
        if (now - assignment.lastSeen <= idleMs) break;
        this.release(streamId, assignment, undefined);
      }
    }
    for (const lane of this.lanes) {
      lane.admission.sweep(now);
      this.control(lane, { kind: 'sweep', id: this.nextId++ }).catch(() => undefined);
    }
  }

  /**
   * A stream's lane, placing it when first heard (the first open lane with headroom; else a new lane; else the
   * least busy), and marking it the most recently heard. At maxStreams the least recently heard stream makes room
   * when it was not heard within ACTIVE_STREAM_MS; else the new stream is refused (undefined).
   */
  private assignmentOf(streamId: string, now: number): Assignment | undefined {
    const known = this.assignments.get(streamId);
    if (known) {
      if (now - known.lastSeen > HEARD_LATELY_MS) known.lane.load.streams++;
      known.lastSeen = now;
      this.assignments.delete(streamId);
      this.assignments.set(streamId, known);
      return known;
    }
    while (this.assignments.size >= this.limits.maxStreams) {
      const leastRecentlyHeard = this.assignments.values().next().value as Assignment;
      if (now - leastRecentlyHeard.lastSeen < ACTIVE_STREAM_MS) return undefined;
      this.evictLeastRecentlyHeard();
    }
    this.refusals.admitted(streamId);
    const lane = this.placementLane(now);
    lane.load.streams++;
    const assignment: Assignment = {
      lane,
      lastSeen: now,
      last: undefined,
      after: undefined,
      numbering: new StreamNumbering(),
      nextWindowAt: undefined,
      restartOn: undefined,
    };
    const previous = this.draining.get(streamId);
    if (previous) this.waitFor(assignment, previous);
    this.assignments.set(streamId, assignment);
    return assignment;
  }

  /** A new stream's lane: the least busy open one while it stays under SPREAD_AT; else a new lane; else the least busy. */
  private placementLane(now: number): Lane {
    return this.laneUnder(SPREAD_AT, now) ?? this.leastBusyLane(now);
  }

  /** The least busy lane (other than `except`) with headroom for one more stream; else a new lane, while there may be more. */
  private laneWithHeadroom(now: number, except?: Lane): Lane | undefined {
    return this.laneUnder(HEADROOM_AT, now, except);
  }

  /**
   * The least busy open lane (other than `except`, not full) that one more stream keeps busy at most `share` of the
   * time; else a new lane, while there may be more.
   */
  private laneUnder(share: number, now: number, except?: Lane): Lane | undefined {
    this.recountStreams(now);
    let best: Lane | undefined;
    let bestShare = Infinity;
    for (const lane of this.lanes) {
      if (lane === except || lane.admission.full) continue;
      const withOneMore = this.shareOf(lane, 1, now);
      if (withOneMore < bestShare) {
        best = lane;
        bestShare = withOneMore;
      }
    }
    if (best && bestShare <= share) return best;
    return this.lanes.length < this.maxLanes ? this.startLane() : undefined;
  }

  private leastBusyLane(now: number): Lane {
    return this.lanes.reduce((best, lane) => (this.shareOf(lane, 0, now) < this.shareOf(best, 0, now) ? lane : best));
  }

  /** The share of the time a lane's thread would be busy with `extraStreams` more (its shed streams not counted). */
  private shareOf(lane: Lane, extraStreams: number, now: number): number {
    const served = Math.max(0, lane.load.streams - lane.admission.shedStreams);
    return lane.load.shareWith(extraStreams, served, this.msPerAudioSecond(lane, now), now);
  }

  /** A lane's measured work per audio second; before it has measured, another lane's, or the prior. */
  private msPerAudioSecond(lane: Lane, now: number): number {
    const measured = lane.load.msPerAudioSecond(now);
    if (measured !== undefined) this.measuredMsPerAudioSecond = measured;
    return measured ?? this.measuredMsPerAudioSecond ?? PRIOR_MS_PER_AUDIO_SECOND;
  }

  /** Counts each lane's streams heard lately (placing or hearing a stream again counts it in between). */
  private recountStreams(now: number): void {
    if (now - this.lastRecount < RECOUNT_EVERY_MS) return;
    this.lastRecount = now;
    for (const lane of this.lanes) lane.load.streams = 0;
    for (const assignment of this.assignments.values()) {
      if (now - assignment.lastSeen <= HEARD_LATELY_MS) assignment.lane.load.streams++;
    }
  }

  /** Moves a stream to another lane: its state on the old one is dropped there, after the audio it holds. */
  private move(streamId: string, assignment: Assignment, to: Lane): void {
    const from = assignment.lane;
    from.admission.forget(streamId);
    from.load.streams = Math.max(0, from.load.streams - 1);
    to.load.streams++;
    assignment.lane = to;
    assignment.restartOn = to;
    this.movedStreams++;
    if (assignment.last) {
      this.waitFor(assignment, assignment.last);
      this.control(from, { kind: 'reset', id: this.nextId++, streamId }).catch(ignore);
    }
  }

  /** The stream's answers from now on wait for `previous` (settled either way). */
  private waitFor(assignment: Assignment, previous: Promise<unknown>): void {
    const after = previous.then(ignore, ignore);
    assignment.after = after;
    void after.then(() => {
      if (assignment.after === after) assignment.after = undefined;
    });
  }

  /** Frees a stream's place; a stream of that id heard again is placed afresh, its answers after `lastAnswer`. */
  private release(streamId: string, assignment: Assignment, lastAnswer: Promise<unknown> | undefined): void {
    if (this.assignments.get(streamId) !== assignment) return;
    this.assignments.delete(streamId);
    if (this.now() - assignment.lastSeen <= HEARD_LATELY_MS) assignment.lane.load.streams = Math.max(0, assignment.lane.load.streams - 1);
    if (!lastAnswer) return;
    const settled = lastAnswer.then(ignore, ignore);
    this.draining.set(streamId, settled);
    void settled.then(() => {
      if (this.draining.get(streamId) === settled) this.draining.delete(streamId);
    });
  }

  /**
   * Drops the least recently heard stream (to stay within maxStreams or maxBytes), counted as dropped; returns the
   * bytes its lane's streams hold on average, which its lane is taken to hold less until it says.
   */
  private evictLeastRecentlyHeard(): number {
    const oldest = this.assignments.entries().next().value as [string, Assignment] | undefined;
    if (!oldest) return 0;
    const [streamId, assignment] = oldest;
    const lane = assignment.lane;
    lane.admission.forget(streamId);
    this.gaps.delete(streamId);
    const freed = lane.size > 0 ? lane.bytes / lane.size : 0;
    lane.bytes -= freed;
    lane.size = Math.max(0, lane.size - 1);
    this.evictedStreams++;
    this.release(streamId, assignment, this.control(lane, { kind: 'reset', id: this.nextId++, streamId }));
    return freed;
  }

  /** Ends every thread; chunks not done yet resolve without windows. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const lane of this.lanes) {
      for (const job of lane.queue.clear()) job.resolve({ windows: [], dropped: false });
      lane.registry?.dispose();
    }
    this.ledger.forget();
    this.trace?.flush();
    this.assignments.clear();
    this.draining.clear();
    await Promise.all(this.lanes.map((lane) => lane.thread?.dispose()));
  }

  private control(lane: Lane, request: PoolRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.disposed) return resolve();
      this.enqueue(
        lane,
        newJob({
          request,
          seconds: 0,
          lastSampleAt: Infinity,
          arrived: Infinity,
          sentAt: Infinity,
          assignment: undefined,
          firstSample: 0,
          endSample: 0,
          steady: false,
          resolve: () => resolve(),
          reject,
        }),
      );
      this.pump(lane);
    });
  }

  private enqueue(lane: Lane, job: Job): void {
    lane.queue.add(job, job.completesWindow);
  }

  /**
   * Whether someone waits for a chunk's answer (it ends its stream, or reaches where the stream's next window ends, as
   * the thread last said, then every hop on), and if not, how long after its last sample its stream's next window
   * ends (ms): how much longer it may wait than a chunk that completes one. Unknown before the stream's first answer:
   * it completes none and has no slack.
   */
  private classify(job: Job): void {
    const request = job.request;
    if (request.kind !== 'push') return;
    if (request.final) {
      job.completesWindow = true;
      return;
    }
    const nextWindowAt = job.assignment?.nextWindowAt;
    if (nextWindowAt === undefined) return;
    // the first window end after the chunk's first sample
    const hops = Math.max(0, Math.ceil((job.firstSample + 1 - nextWindowAt) / this.hopSamples));
    const windowEnd = nextWindowAt + hops * this.hopSamples;
    if (windowEnd <= job.endSample) job.completesWindow = true;
    else job.slackMs = ((windowEnd - job.endSample) / SAMPLE_RATE) * 1000;
  }

  /**
   * Counts a chunk as dropped and answers it. The stream restarts at its next chunk (no window
   * spans the gap); a dropped last chunk still ends its stream: it becomes a reset, and true is
   * returned (the job must still run).
   */
  private drop(job: Job, lane: Lane): boolean {
    if (job.request.kind !== 'push') return true;
    const { streamId, final } = job.request;
    job.bytes = 0;
    this.unstage(job);
    this.ledger.record(streamId, job.seconds);
    job.resolve({ windows: [], dropped: true });
    if (final) {
      this.gaps.delete(streamId);
      lane.admission.forget(streamId);
      job.request = { kind: 'reset', id: job.request.id, streamId };
      job.resolve = () => undefined;
      return true;
    }
    this.gaps.add(streamId);
    return false;
  }

  /**
   * Drops the oldest waiting audio of a lane until at most `bytes` wait. Only the head of the queue is
   * touched (a full queue meets this on every push: walking all of it each time made the main thread the bottleneck).
   */
  private keepQueueWithin(lane: Lane, bytes: number): void {
    if (lane.queue.bytes <= bytes) return;
    lane.queue.dropOldestWhile(
      () => lane.queue.bytes > bytes,
      (job) => job.request.kind !== 'push' || this.drop(job, lane),
    );
  }

  /** Drops the waiting audio of streams just shed (walks the queue once per cut, not per chunk). */
  private dropShed(lane: Lane, streamIds: string[]): void {
    const shed = new Set(streamIds);
    lane.queue.filter((job) => job.request.kind !== 'push' || !shed.has(job.request.streamId) || this.drop(job, lane));
  }

  /** Moves streams a lane just shed to lanes with headroom (opening lanes as needed); the rest stay shed. */
  private moveShed(lane: Lane, streamIds: string[], now: number): void {
    for (const streamId of streamIds) {
      const assignment = this.assignments.get(streamId);
      if (!assignment || assignment.lane !== lane) continue;
      const to = this.laneWithHeadroom(now, lane);
      if (!to) return;
      this.move(streamId, assignment, to);
    }
  }

  /**
   * How late a chunk is: since its last sample (timestamped), or for an untimed chunk its wait since both it
   * and its thread were there. Timestamped audio played faster than real time is never late; the queue's
   * byte bound holds it.
   */
  private lagOf(job: Job, lane: Lane, now: number): number {
    const lateFrom = job.lastSampleAt !== Infinity ? job.lastSampleAt : Math.max(job.arrived, lane.thread?.ready ?? -Infinity);
    return now - lateFrom - job.slackMs;
  }

  /** Late: later than the budget. */
  private isLate(job: Job, lane: Lane, now: number): boolean {
    return this.settings.lagBudgetMs > 0 && this.lagOf(job, lane, now) > this.settings.lagBudgetMs;
  }

  private hasRoomInFlight(lane: Lane, next: Job): boolean {
    if (lane.inFlight < MIN_IN_FLIGHT) return true;
    if (lane.inFlight >= MAX_IN_FLIGHT) return false;
    const workMs = this.settings.inFlightWorkMs ?? DEFAULT_IN_FLIGHT_WORK_MS;
    const msPerAudioSecond = lane.admission.busyMsPerAudioSecond(this.now());
    return workMs > 0 && msPerAudioSecond !== undefined && (lane.inFlightSeconds + next.seconds) * msPerAudioSecond <= workMs;
  }

  /** Sends waiting requests to the lane's thread (or runs them here) while it has room. */
  private pump(lane: Lane): void {
    if (lane.thread && lane.thread.ready === undefined) return;
    for (let next = lane.queue.peek(); !this.disposed && next !== undefined && this.hasRoomInFlight(lane, next); next = lane.queue.peek()) {
      const job = lane.queue.shift() as Job;
      const request = job.request;
      if (request.kind === 'push') {
        const now = this.now();
        // The lane's own part of the lateness: how long the chunk waited here (a main thread behind is not this thread's overload).
        const waited = now - Math.max(job.arrived, lane.thread?.ready ?? -Infinity) - job.slackMs;
        const shed = lane.admission.sent(waited, now);
        if (shed.length > 0) {
          this.dropShed(lane, shed);
          this.moveShed(lane, shed, now);
          if (shed.includes(request.streamId)) {
            if (!this.drop(job, lane)) continue;
          }
        }
        if (job.request.kind === 'push' && this.isLate(job, lane, now)) {
          if (!this.drop(job, lane)) continue;
        } else if (job.request.kind === 'push') {
          if (this.gaps.delete(request.streamId)) request.afterGap = true;
          const assignment = job.assignment;
          const movedHere = assignment?.restartOn === lane;
          if (movedHere) assignment.restartOn = undefined;
          job.restarts = request.afterGap || movedHere;
        }
        job.sentAt = now;
      }
      this.run(lane, job);
    }
  }

  private run(lane: Lane, job: Job): void {
    if (lane.registry) return this.settle(lane, job, applyPoolRequest(lane.registry, job.request));
    lane.inFlight++;
    lane.inFlightSeconds += job.seconds;
    const inFlightWhenSent = lane.inFlight;
    const request = job.request;
    const transfer = request.kind === 'push' && !isStaged(request.samples) ? [request.samples.buffer as ArrayBuffer] : [];
    (lane.thread as PoolThread).run(request, transfer).then(
      (reply) => {
        this.unstage(job);
        lane.inFlight--;
        lane.inFlightSeconds -= job.seconds;
        const now = this.now();
        lane.admission.served(job.seconds, Math.max(0, now - Math.max(job.sentAt, lane.lastReplyAt)), now);
        if (job.steady && job.seconds > 0 && reply.workMs !== undefined) lane.load.worked(job.seconds, reply.workMs, now);
        if (job.seconds > 0) {
          this.trace?.note(lane.index, job.arrived, job.sentAt, now, reply.workMs, inFlightWhenSent, reply.ok ? reply.windows.length : 0);
        }
        lane.lastReplyAt = now;
        this.settle(lane, job, reply);
        this.pump(lane);
      },
      (err: Error) => {
        this.unstage(job);
        lane.inFlight--;
        lane.inFlightSeconds -= job.seconds;
        job.reject(err);
        this.pump(lane);
      },
    );
  }

  /**
   * Frees the places of the least recently heard streams beyond those the lanes can still hold (held, queued or in
   * flight): a lane's registry drops streams to stay within its budget, and their places must not pile up.
   */
  private forgetUnheld(): void {
    const held = this.lanes.reduce((sum, lane) => sum + lane.size + lane.queue.length + lane.inFlight, 0);
    for (const [streamId, assignment] of this.assignments) {
      if (this.assignments.size <= held) return;
      this.release(streamId, assignment, undefined);
    }
  }

  /** Drops the least recently heard streams while all lanes together hold more than maxBytes (as they last said). */
  private keepWithinMemory(): void {
    if (this.lanes.length < 2) return; // one registry keeps its own budget
    let held = this.lanes.reduce((sum, lane) => sum + lane.bytes, 0);
    while (this.assignments.size > 1 && held > this.limits.maxBytes) {
      const freed = this.evictLeastRecentlyHeard();
      if (!(freed > 0)) return; // the lanes' next answers tell
      held -= freed;
    }
  }

  private settle(lane: Lane, job: Job, reply: PoolReply): void {
    lane.size = reply.size;
    lane.droppedStreams = reply.droppedStreams;
    lane.bytes = reply.bytes;
    this.forgetUnheld();
    this.keepWithinMemory();
    if (!reply.ok) {
      const err = new Error(reply.error.message);
      err.name = reply.error.name;
      return job.reject(err);
    }
    if (reply.nextWindowIn !== undefined && job.assignment) job.assignment.nextWindowAt = job.endSample + reply.nextWindowIn;
    const result: PoolPushResult = { windows: reply.windows, dropped: false };
    const sent = this.settings.windowSent;
    if (job.request.kind === 'push' && (sent ? reply.windows.some(sent) : reply.windows.length > 0)) {
      const droppedSeconds = this.ledger.takePending(job.request.streamId);
      if (droppedSeconds > 0) result.droppedSeconds = droppedSeconds;
    }
    job.resolve(result);
  }
}
