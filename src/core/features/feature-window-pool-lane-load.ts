import { RollingSum } from './feature-window-pool-rolling-sum';

/** A lane's cost per audio second is measured over this long. */
const COST_SPAN_MS = 10_000;
/** Audio a lane must have worked on before its own cost is trusted, seconds. */
const MIN_MEASURED_SECONDS = 2;
/** A lane's audio arriving is measured over this long. */
const ARRIVAL_SPAN_MS = 2000;

/**
 * How loaded one lane (one thread) of a FeatureWindowPool is, and would be with one more stream: the audio
 * seconds per second its streams send times the thread's measured work per audio second. A stream placed on
 * the lane counts 1 audio s/s (a live stream) from the moment it is placed, before any of its audio was
 * measured; once the lane has measured 2 s of arrivals, a faster measured rate (files played faster than real
 * time) counts instead.
 */
export class LaneLoad {
  /** streams placed on the lane and heard lately (the pool counts them) */
  streams = 0;
  private readonly workMs = new RollingSum(COST_SPAN_MS);
  private readonly workSeconds = new RollingSum(COST_SPAN_MS);
  private readonly arrivedSeconds = new RollingSum(ARRIVAL_SPAN_MS);

  constructor(private readonly openedAt: number) {}

  /** Audio of an admitted stream arrived. */
  arrived(seconds: number, now: number): void {
    this.arrivedSeconds.add(now, seconds);
  }

  /** The thread worked `ms` on `seconds` of audio. */
  worked(seconds: number, ms: number, now: number): void {
    this.workSeconds.add(now, seconds);
    this.workMs.add(now, ms);
  }

  /** The thread's measured work per audio second, ms; undefined before it has worked on enough audio. */
  msPerAudioSecond(now: number): number | undefined {
    const seconds = this.workSeconds.sum(now);
    return seconds >= MIN_MEASURED_SECONDS ? this.workMs.sum(now) / seconds : undefined;
  }

  /**
   * The share of a core the thread would be busy with `extraStreams` more live streams, at `msPerAudioSecond`.
   * `servedStreams` are the lane's streams not shed (a shed stream's audio does not reach the thread).
   */
  shareWith(extraStreams: number, servedStreams: number, msPerAudioSecond: number, now: number): number {
    const measured = now - this.openedAt >= ARRIVAL_SPAN_MS ? this.arrivedSeconds.sum(now) / (ARRIVAL_SPAN_MS / 1000) : 0;
    const audioPerSecond = Math.max(servedStreams, measured) + extraStreams;
    return (audioPerSecond * msPerAudioSecond) / 1000;
  }
}
