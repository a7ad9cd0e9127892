import { appendFileSync } from 'node:fs';

/**
 * Where a pool writes the timeline of its chunks, for the latency breakdown (scripts/bench-latency-tail.ts):
 * SPEECH_EMOTION_POOL_TRACE, read once. Unset (the default), nothing is noted.
 */
const TRACE_FILE = process.env.SPEECH_EMOTION_POOL_TRACE || undefined;
const FLUSH_EVERY = 500;

/**
 * One line per chunk answered by a thread: [lane, arrived in the pool, sent to the thread, answered, the thread's work ms,
 * requests in flight on the lane when sent, windows it completed], times in ms since epoch.
 */
export class PoolTrace {
  private readonly lines: string[] = [];

  static create(): PoolTrace | undefined {
    return TRACE_FILE ? new PoolTrace(TRACE_FILE) : undefined;
  }

  private constructor(private readonly file: string) {}

  note(
    lane: number,
    arrived: number,
    sentAt: number,
    answered: number,
    workMs: number | undefined,
    inFlight: number,
    windows: number,
  ): void {
    const work = workMs === undefined ? null : Math.round(workMs * 100) / 100;
    this.lines.push(JSON.stringify([lane, arrived, sentAt, answered, work, inFlight, windows]));
    if (this.lines.length >= FLUSH_EVERY) this.flush();
  }

  flush(): void {
    if (this.lines.length === 0) return;
    appendFileSync(this.file, this.lines.join('\n') + '\n');
    this.lines.length = 0;
  }
}
