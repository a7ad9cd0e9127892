import { availableParallelism, cpus } from 'node:os';
import { DroppedAudioLedger } from './dropped-audio-ledger';
import { LaneAdmission } from './feature-window-pool-admission';
import { DEFAULT_STREAM_LIMITS, FeatureWindowRegistry, StreamLimits } from './feature-window-registry';
import { applyPoolRequest, PoolReply, PoolRequest, PoolThreadSetup } from './feature-window-pool-protocol';
import { FeatureWindowPoolThread } from './feature-window-pool-thread';
import { FeatureWindow, FeatureWindowOptions } from './feature-window-stream';
import { SAMPLE_RATE } from './pyaudioanalysis-constants';

export interface FeatureWindowPoolOptions {
  /** worker threads; 0 computes on the calling thread (default: one less than the cores, at least 1) */
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
}

/** One less than the cores (the main thread keeps one), at least 1. */
export function defaultThreadCount(): number {
  const cores = typeof availableParallelism === 'function' ? availableParallelism() : cpus().length;
  return Math.max(1, cores - 1);
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

export interface PoolPushResult {
  windows: FeatureWindow[];
  /** this chunk was dropped (late, or the queue was full); it gave no windows */
  dropped: boolean;
  /** with windows (one of them sent, by `windowSent`): seconds of this stream's audio dropped since the previous such window */
  droppedSeconds?: number;
}

interface Job {
  request: PoolRequest;
  /** audio bytes waiting (push requests) */
  bytes: number;
  seconds: number;
  /** ms since epoch of the chunk's last sample (Infinity without a timestamp) and of its arrival in the pool */
  lastSampleAt: number;
  arrived: number;
  /** when it went to the thread */
  sentAt: number;
  resolve: (result: PoolPushResult) => void;
  reject: (err: Error) => void;
}

interface Lane {
  queue: Job[];
  /** which streams' audio goes to the thread, and which is shed */
  admission: LaneAdmission;
  /** when the thread last answered */
  lastReplyAt: number;
  queuedBytes: number;
  inFlight: number;
  /** audio seconds of the requests in flight */
  inFlightSeconds: number;
  /** on a worker thread; without one, on the calling thread */
  thread?: PoolThread;
  registry?: FeatureWindowRegistry;
  size: number;
  droppedStreams: number;
}

/** A stable spread of stream ids over lanes (FNV-1a), so each stream always goes to the same thread. */
function laneOf(streamId: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) hash = Math.imul(hash ^ streamId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
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
 * FeatureWindowRegistry's operations spread over worker threads: each stream goes to one thread
 * (by a hash of its id), which keeps its windows in order; different streams run in parallel.
 * Audio waits in a bounded queue per thread, where a lag budget drops the oldest late audio of a
 * stream (its state is then reset, so no window spans the gap), counted per stream and in total.
 * When a thread cannot keep up, its lane sheds whole streams (LaneAdmission): the newest ones beyond
 * what the thread serves, taken back only when the thread has measured headroom.
 * With 0 threads everything runs on the calling thread, as FeatureWindowRegistry itself does.
 */
export class FeatureWindowPool {
  private readonly lanes: Lane[];
  private readonly settings: FeatureWindowPoolOptions;
  private readonly ledger: DroppedAudioLedger;
  /** streams whose audio was dropped since their last chunk went to a thread */
  private readonly gaps = new Set<string>();
  private nextId = 1;
  private disposed = false;

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
    const full = { ...DEFAULT_STREAM_LIMITS, ...limits };
    // Each thread holds its share of the streams and of the memory budget.
    const share = {
      ...full,
      maxStreams: Math.max(1, Math.ceil(full.maxStreams / Math.max(1, threads))),
      maxBytes: full.maxBytes / Math.max(1, threads),
    };
    const lane = (): Lane => ({
      queue: [],
      admission: new LaneAdmission({ lagBudgetMs, maxStreams: full.maxStreams }, now()),
      lastReplyAt: -Infinity,
      queuedBytes: 0,
      inFlight: 0,
      inFlightSeconds: 0,
      size: 0,
      droppedStreams: 0,
    });
    const startThread =
      this.settings.startThread ?? ((index, setup, onStopped, onReady) => new FeatureWindowPoolThread(index, setup, onStopped, onReady));
    this.lanes =
      threads === 0
        ? [{ ...lane(), registry: new FeatureWindowRegistry(options, full) }]
        : Array.from({ length: threads }, (_, index) => ({
            ...lane(),
            thread: startThread(
              index,
              { options, limits: share },
              (err) => this.settings.onThreadError(err),
              () => this.pump(this.lanes[index]),
            ),
          }));
    this.ledger = new DroppedAudioLedger(full.maxStreams, full.idleSeconds * 1000, now);
  }

  /** Worker threads (0: the calling thread computes). */
  get threads(): number {
    return this.lanes[0].thread ? this.lanes.length : 0;
  }

  /** The running threads' ids (a thread being replaced has none). */
  threadIds(): number[] {
    return this.lanes.flatMap((lane) => (lane.thread?.threadId !== undefined ? [lane.thread.threadId] : []));
  }

  /** The thread that computes a stream's windows, or undefined with 0 threads (tests stop it to see it replaced). */
  threadOf(streamId: string): PoolThread | undefined {
    return this.lanes[laneOf(streamId, this.lanes.length)].thread;
  }

  /** Streams held, as the threads last said. */
  get size(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.size, 0);
  }

  /** Streams dropped to stay within maxStreams or maxBytes (not those ended, reset or idle). */
  get dropped(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.droppedStreams, 0);
  }

  /** Seconds of audio dropped for lateness or a full queue, all streams. */
  get droppedSeconds(): number {
    return this.ledger.totalSeconds;
  }

  /** Streams that dropped audio in the last 10 s. */
  get droppingStreams(): number {
    return this.ledger.dropping();
  }

  /** Streams shed because their thread cannot keep up: their audio is dropped on arrival. */
  get shedStreams(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.admission.shedStreams, 0);
  }

  /** Bytes of audio waiting for the threads. */
  get queuedBytes(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.queuedBytes, 0);
  }

  /**
   * Adds a chunk to a stream; resolves with the windows it completes, in the stream's order. With
   * `owned` the caller gives the samples up: when they fill their own ArrayBuffer they are moved
   * to the thread without a copy (the array is then empty).
   */
  push(
    streamId: string,
    samples: Float32Array | Int16Array,
    timestamp: number | undefined,
    final: boolean,
    owned = false,
  ): Promise<PoolPushResult> {
    const arrived = this.now();
    const lane = this.lanes[laneOf(streamId, this.lanes.length)];
    const seconds = samples.length / SAMPLE_RATE;
    const lastSampleAt = timestamp === undefined ? Infinity : timestamp + seconds * 1000;
    return new Promise<PoolPushResult>((resolve, reject) => {
      if (this.disposed) return resolve({ windows: [], dropped: false });
      const request: PoolRequest = { kind: 'push', id: this.nextId++, streamId, samples, timestamp, final, afterGap: false };
      const job: Job = { request, bytes: 0, seconds, lastSampleAt, arrived, sentAt: arrived, resolve, reject };
      // Already late on arrival (the main thread itself is behind), or shed: dropped before any copy or queueing.
      if (this.isLate(job, lane, arrived) || !lane.admission.admits(streamId, arrived)) {
        if (this.drop(job, lane)) this.enqueue(lane, job);
        return this.pump(lane);
      }
      lane.admission.arrived(seconds, arrived);
      if (lane.thread) request.samples = transferable(samples, owned);
      job.bytes = request.samples.byteLength;
      const room = this.settings.maxQueuedBytes / this.lanes.length;
      this.keepQueueWithin(lane, room - job.bytes);
      const fits = lane.queuedBytes + job.bytes <= room;
      if (fits || this.drop(job, lane)) this.enqueue(lane, job);
      this.pump(lane);
    });
  }

  /** Drops a stream's state (every stream's without an id), in order with its audio. */
  async reset(streamId?: string): Promise<void> {
    this.ledger.forget(streamId);
    if (streamId === undefined) this.gaps.clear();
    else this.gaps.delete(streamId);
    const lanes = streamId === undefined ? this.lanes : [this.lanes[laneOf(streamId, this.lanes.length)]];
    for (const lane of lanes) lane.admission.forget(streamId);
    await Promise.all(lanes.map((lane) => this.control(lane, { kind: 'reset', id: this.nextId++, streamId })));
  }

  /** Drops idle streams in every thread; whoever owns the pool calls it regularly. */
  sweep(): void {
    this.ledger.sweep();
    const now = this.now();
    for (const lane of this.lanes) {
      lane.admission.sweep(now);
      this.control(lane, { kind: 'sweep', id: this.nextId++ }).catch(() => undefined);
    }
  }

  /** Ends every thread; chunks not done yet resolve without windows. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const lane of this.lanes) {
      for (const job of lane.queue.splice(0)) job.resolve({ windows: [], dropped: false });
      lane.queuedBytes = 0;
      lane.registry?.dispose();
    }
    this.ledger.forget();
    await Promise.all(this.lanes.map((lane) => lane.thread?.dispose()));
  }

  private control(lane: Lane, request: PoolRequest): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.disposed) return resolve();
      this.enqueue(lane, {
        request,
        bytes: 0,
        seconds: 0,
        lastSampleAt: Infinity,
        arrived: Infinity,
        sentAt: Infinity,
        resolve: () => resolve(),
        reject,
      });
      this.pump(lane);
    });
  }

  private enqueue(lane: Lane, job: Job): void {
    lane.queue.push(job);
    lane.queuedBytes += job.bytes;
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
    if (lane.queuedBytes <= bytes) return;
    const keptControls: Job[] = [];
    while (lane.queue.length > 0 && lane.queuedBytes > bytes) {
      const job = lane.queue.shift() as Job;
      if (job.request.kind === 'push') {
        lane.queuedBytes -= job.bytes;
        if (!this.drop(job, lane)) continue;
      }
      keptControls.push(job);
    }
    if (keptControls.length) lane.queue.unshift(...keptControls);
  }

  /** Drops the waiting audio of streams just shed (walks the queue once per cut, not per chunk). */
  private dropShed(lane: Lane, streamIds: string[]): void {
    const shed = new Set(streamIds);
    const kept: Job[] = [];
    for (const job of lane.queue) {
      if (job.request.kind === 'push' && shed.has(job.request.streamId)) {
        lane.queuedBytes -= job.bytes;
        if (!this.drop(job, lane)) continue;
      }
      kept.push(job);
    }
    lane.queue = kept;
  }

  /**
   * How late a chunk is: since its last sample (timestamped), or for an untimed chunk its wait since both it
   * and its thread were there. Timestamped audio played faster than real time is never late; the queue's
   * byte bound holds it.
   */
  private lagOf(job: Job, lane: Lane, now: number): number {
    const lateFrom = job.lastSampleAt !== Infinity ? job.lastSampleAt : Math.max(job.arrived, lane.thread?.ready ?? -Infinity);
    return now - lateFrom;
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
    while (!this.disposed && lane.queue.length > 0 && this.hasRoomInFlight(lane, lane.queue[0])) {
      const job = lane.queue.shift() as Job;
      lane.queuedBytes -= job.bytes;
      const request = job.request;
      if (request.kind === 'push') {
        const now = this.now();
        // The lane's own part of the lateness: how long the chunk waited here (a main thread behind is not this thread's overload).
        const shed = lane.admission.sent(now - Math.max(job.arrived, lane.thread?.ready ?? -Infinity), now);
        if (shed.length > 0) {
          this.dropShed(lane, shed);
          if (shed.includes(request.streamId)) {
            if (!this.drop(job, lane)) continue;
          }
        }
        if (job.request.kind === 'push' && this.isLate(job, lane, now)) {
          if (!this.drop(job, lane)) continue;
        } else if (job.request.kind === 'push' && this.gaps.delete(request.streamId)) {
          request.afterGap = true;
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
    const request = job.request;
    const transfer = request.kind === 'push' ? [request.samples.buffer as ArrayBuffer] : [];
    (lane.thread as PoolThread).run(request, transfer).then(
      (reply) => {
        lane.inFlight--;
        lane.inFlightSeconds -= job.seconds;
        const now = this.now();
        lane.admission.served(job.seconds, Math.max(0, now - Math.max(job.sentAt, lane.lastReplyAt)), now);
        lane.lastReplyAt = now;
        this.settle(lane, job, reply);
        this.pump(lane);
      },
      (err: Error) => {
        lane.inFlight--;
        lane.inFlightSeconds -= job.seconds;
        job.reject(err);
        this.pump(lane);
      },
    );
  }

  private settle(lane: Lane, job: Job, reply: PoolReply): void {
    lane.size = reply.size;
    lane.droppedStreams = reply.droppedStreams;
    if (!reply.ok) {
      const err = new Error(reply.error.message);
      err.name = reply.error.name;
      return job.reject(err);
    }
    const result: PoolPushResult = { windows: reply.windows, dropped: false };
    const sent = this.settings.windowSent;
    if (job.request.kind === 'push' && (sent ? reply.windows.some(sent) : reply.windows.length > 0)) {
      const droppedSeconds = this.ledger.takePending(job.request.streamId);
      if (droppedSeconds > 0) result.droppedSeconds = droppedSeconds;
    }
    job.resolve(result);
  }
}
