import type { EmotionModel, TaskOutputs } from './emotion-model';
import { WindowDroppedError } from './window-dropped-error';

export interface InferenceBatcherOptions {
  /** Most vectors in one model call. */
  maxBatch: number;
  /** How long the first vector of a batch waits for others; 0 = until the current tick's I/O is done (setImmediate). */
  maxWaitMs: number;
  /** Most vectors waiting for a model call; beyond it the oldest waiting one is rejected with WindowDroppedError. Default: no bound. */
  maxQueued?: number;
}

interface Pending {
  vector: ArrayLike<number>;
  attention: boolean;
  resolve(result: TaskOutputs): void;
  reject(err: Error): void;
}

/**
 * Collects vectors that arrive together (from many streams) and runs them through the model in one
 * forward pass. Each caller gets its own promise; vectors are checked before they are queued so that
 * one bad input fails alone.
 */
export class InferenceBatcher {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  private closed = false;
  /** Model calls made so far (for tests and status). */
  batches = 0;
  /** Vectors dropped for the maxQueued bound so far. */
  dropped = 0;

  constructor(
    private readonly model: EmotionModel,
    private readonly options: InferenceBatcherOptions = { maxBatch: 64, maxWaitMs: 0 },
  ) {
    if (!(options.maxBatch >= 1)) throw new Error(`maxBatch must be at least 1 (got ${options.maxBatch})`);
    if (options.maxQueued !== undefined && !(options.maxQueued >= 1)) {
      throw new Error(`maxQueued must be at least 1 (got ${options.maxQueued})`);
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  predict(vector: ArrayLike<number>, options: { attention?: boolean } = {}): Promise<TaskOutputs> {
    if (this.closed) return Promise.reject(new Error('the inference batcher is closed'));
    try {
      this.model.checkInput(vector);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<TaskOutputs>((resolve, reject) => {
      const maxQueued = this.options.maxQueued ?? Infinity;
      while (this.queue.length >= maxQueued) {
        this.queue.shift()!.reject(new WindowDroppedError(maxQueued));
        this.dropped++;
      }
      this.queue.push({ vector, attention: !!options.attention, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else this.schedule();
    });
  }

  /** Runs everything queued now. */
  flush(): void {
    this.cancelTimer();
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      try {
        const outputs = this.model.predict(
          batch.map((p) => p.vector),
          { attention: batch.some((p) => p.attention) },
        );
        this.batches++;
        batch.forEach((p, i) => {
          const out = outputs[i];
          if (!p.attention) delete out.attention;
          p.resolve(out);
        });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        batch.forEach((p) => p.reject(error));
      }
    }
  }

  /** Finishes what is queued (the model is still there) and refuses new work. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer =
      this.options.maxWaitMs > 0
        ? setTimeout(() => this.flushFromTimer(), this.options.maxWaitMs)
        : setImmediate(() => this.flushFromTimer());
  }

  private flushFromTimer(): void {
    this.timer = undefined;
    this.flush();
  }

  private cancelTimer(): void {
    if (!this.timer) return;
    if (this.options.maxWaitMs > 0) clearTimeout(this.timer as NodeJS.Timeout);
    else clearImmediate(this.timer as NodeJS.Immediate);
    this.timer = undefined;
  }
}
