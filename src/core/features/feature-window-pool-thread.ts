import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { THREAD_READY, type PoolReply, type PoolRequest, type PoolThreadSetup, type SlabShare } from './feature-window-pool-protocol';
import { SampleSlabs, type StagedSamples } from './feature-window-pool-sample-slabs';

/**
 * The thread's script beside this file: the compiled .js in dist/; under tsx (the tests) only the .ts
 * source is there, and the thread registers tsx's CommonJS hook before loading it.
 */
function startWorker(workerData: PoolThreadSetup): Worker {
  const js = join(__dirname, 'feature-window-pool-worker.js');
  if (existsSync(js)) return new Worker(js, { workerData });
  const ts = join(__dirname, 'feature-window-pool-worker.ts');
  const boot = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(ts)});`;
  return new Worker(boot, { eval: true, workerData });
}

/** A thread that stops twice within this long is restarted after it, not at once. */
const QUICK_RESTART_MS = 1000;
/** Requests held for one message while the thread is busy: at most this many before they go. */
const MOST_IN_ONE_MESSAGE = 32;

interface Waiting {
  request: PoolRequest;
  transfer: ArrayBuffer[];
  resolve: (reply: PoolReply) => void;
  reject: (err: Error) => void;
}

/**
 * One worker thread of a FeatureWindowPool. Replies come back in request order. A request to an idle thread goes at
 * once; one made while the thread still works on earlier ones waits for the event loop's next turn, so the requests
 * of one turn go in one message, and the thread answers them together (feature-window-pool-worker.ts). A message
 * each way per chunk was about 7% of a feature thread's time and 4% of the main thread's at 1,000 streams (CPU
 * profiles); with them batched the process took 0.86-0.92 of the CPU at 600 streams (docs/benchmark.md, "One message
 * per turn to a busy feature thread").
 * A thread that stops without being asked (an uncaught error, out of memory, terminated from outside) fails the
 * requests it held, is reported through `onStopped` and is replaced (its streams start afresh in the new thread).
 */
export class FeatureWindowPoolThread {
  private worker: Worker | undefined;
  private readonly sent = new Map<number, Waiting>();
  /** requests made while the thread is being replaced */
  private readonly held: Waiting[] = [];
  /** requests made while the thread is busy, sent together at the event loop's next turn */
  private outbox: Waiting[] = [];
  private flushing: NodeJS.Immediate | undefined;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private lastError: Error | undefined;
  private readySince: number | undefined;
  private readonly slabs = new SampleSlabs((slab, buffer) => this.worker?.postMessage(slabShare(slab, buffer)));

  constructor(
    readonly index: number,
    private readonly setup: PoolThreadSetup,
    private readonly onStopped: (err: Error) => void,
    private readonly onReady: () => void,
  ) {
    this.start();
  }

  /** The running thread's id (for diagnostics and tests), or undefined while it is replaced. */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** ms since epoch since which the thread takes requests; undefined while it starts */
  get ready(): number | undefined {
    return this.readySince;
  }

  /** The running thread itself: tests stop it from outside to see it replaced. */
  get runningWorker(): Worker | undefined {
    return this.worker;
  }

  /**
   * Copies a chunk's samples to where this thread reads them (SampleSlabs); release them once the request that
   * names them is answered or will not be sent. Undefined for samples too large to stage.
   */
  stage(samples: Float32Array | Int16Array): StagedSamples | undefined {
    return this.slabs.stage(samples);
  }

  release(staged: StagedSamples): void {
    this.slabs.release(staged);
  }

  run(request: PoolRequest, transfer: ArrayBuffer[]): Promise<PoolReply> {
    return new Promise<PoolReply>((resolve, reject) => {
      if (this.disposed) return reject(new Error('the feature-window pool was closed'));
      const waiting = { request, transfer, resolve, reject };
      if (!this.worker) return void this.held.push(waiting);
      if (this.sent.size === 0 && this.outbox.length === 0) return this.post(this.worker, [waiting]);
      this.outbox.push(waiting);
      if (this.outbox.length >= MOST_IN_ONE_MESSAGE) this.flush();
      else this.flushing ??= setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = undefined;
    if (this.worker && this.outbox.length > 0) this.post(this.worker, this.outbox.splice(0));
  }

  private post(worker: Worker, batch: Waiting[]): void {
    for (const waiting of batch) this.sent.set(waiting.request.id, waiting);
    if (batch.length === 1) return worker.postMessage(batch[0].request, batch[0].transfer);
    worker.postMessage(
      batch.map((waiting) => waiting.request),
      batch.flatMap((waiting) => waiting.transfer),
    );
  }

  private answer(reply: PoolReply): void {
    const waiting = this.sent.get(reply.id);
    if (!waiting) return;
    this.sent.delete(reply.id);
    waiting.resolve(reply);
  }

  private start(): void {
    const worker = startWorker(this.setup);
    // Never the reason a process stays up: dispose() ends it, and an exiting process takes it along.
    worker.unref();
    this.worker = worker;
    this.startedAt = Date.now();
    this.lastError = undefined;
    worker.on('message', (message: PoolReply | PoolReply[] | typeof THREAD_READY) => {
      if (message === THREAD_READY) {
        this.readySince = Date.now();
        return this.onReady();
      }
      if (Array.isArray(message)) for (const reply of message) this.answer(reply);
      else this.answer(message);
    });
    worker.on('error', (err) => {
      this.lastError = err;
    });
    worker.on('exit', (code) => this.stopped(worker, code));
    for (const [slab, buffer] of this.slabs.shared()) worker.postMessage(slabShare(slab, buffer));
    const held = this.held.splice(0);
    if (held.length > 0) this.post(worker, held);
  }

  private stopped(worker: Worker, code: number): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.readySince = undefined;
    if (this.disposed) return;
    const reason = this.lastError ? this.lastError.message : `exit code ${code}`;
    const err = new Error(`feature-window thread ${this.index + 1} stopped (${reason}); its streams start afresh`);
    for (const waiting of this.sent.values()) waiting.reject(err);
    this.sent.clear();
    // not sent yet: they go to the new thread
    this.held.push(...this.outbox.splice(0));
    this.onStopped(err);
    // The restart timer keeps the process up (at most QUICK_RESTART_MS): requests held meanwhile are still answered.
    const quick = Date.now() - this.startedAt < QUICK_RESTART_MS;
    if (!quick) return this.start();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (!this.disposed) this.start();
    }, QUICK_RESTART_MS);
  }

  /** Stops the thread; requests not answered yet are failed with "closed". */
  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.flushing) clearImmediate(this.flushing);
    const closed = new Error('the feature-window pool was closed');
    for (const waiting of [...this.sent.values(), ...this.held.splice(0), ...this.outbox.splice(0)]) waiting.reject(closed);
    this.sent.clear();
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}

function slabShare(slab: number, buffer: SharedArrayBuffer | undefined): SlabShare {
  return { kind: 'slab', slab, buffer };
}
