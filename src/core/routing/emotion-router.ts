import { EmotionPrediction } from '../messages';
import { RouterConfig, resolveRouterConfig, routerOutputNames } from './router-config';
import { RoutedEmotion, RouterEvent } from './routed-emotion';
import { modeLabels, modeProbabilities } from './routing-modes';
import { StreamRefusedError } from '../stream-refused-error';
import { StreamStateMap } from '../stream-state-map';
import { StreamRouteState, advanceStream, isRepeatedWindow, newStreamRouteState } from './stream-route-state';

export const MAX_STREAM_ID_LENGTH = 512;

export interface EmotionRouterOptions {
  /** Wall clock for idle expiry (ms); injectable for tests. */
  now?: () => number;
}

/** Snapshot of one stream, e.g. for a node status. */
export interface StreamRouteSnapshot {
  streamId: string;
  state: string | null;
  since: number;
  previous: string | null;
  pending: string | null;
}

/**
 * The emotion-router policy for many concurrent streams: smoothing, hysteresis, dwell and
 * cooldown per stream, with the per-stream state bounded in count and forgotten when idle.
 */
export class EmotionRouter {
  readonly config: RouterConfig;
  readonly outputNames: readonly string[];
  private readonly labels: readonly string[];
  private readonly streams: StreamStateMap<StreamRouteState>;

  constructor(config: Partial<Record<keyof RouterConfig, unknown>> = {}, options: EmotionRouterOptions = {}) {
    this.config = resolveRouterConfig(config);
    this.labels = modeLabels(this.config.mode);
    this.outputNames = routerOutputNames(this.config);
    this.streams = new StreamStateMap<StreamRouteState>({
      maxStreams: this.config.maxStreams,
      idleMs: this.config.idleTimeoutMs,
      now: options.now ?? Date.now,
    });
  }

  /** Predictions ignored as duplicate or out-of-order windows (dropRepeatedWindows). */
  repeatedWindows = 0;

  get streamCount(): number {
    return this.streams.size;
  }

  /**
   * Routes one prediction. `streamId` defaults to `prediction.streamId`. Returns the messages to
   * send (possibly none while an output cools down). Throws on malformed input without touching
   * any stream's state, and StreamRefusedError for a new stream while every place (maxStreams) holds an active one.
   */
  route(prediction: EmotionPrediction, streamId: unknown = prediction?.streamId): RouterEvent[] {
    const probabilities = modeProbabilities(prediction, this.config.mode);
    if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > MAX_STREAM_ID_LENGTH) {
      throw new TypeError(`streamId must be a non-empty string of at most ${MAX_STREAM_ID_LENGTH} characters`);
    }
    const windowEnd = prediction.end;
    if (windowEnd !== undefined && (typeof windowEnd !== 'number' || !Number.isFinite(windowEnd))) {
      throw new TypeError(`prediction.end must be a finite number (ms since epoch), got ${String(windowEnd)}`);
    }
    const eventTime = windowEnd ?? Date.now();
    const windowStart = typeof prediction.start === 'number' && Number.isFinite(prediction.start) ? prediction.start : eventTime;

    const seq = prediction.seq;
    if (seq !== undefined && (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0)) {
      throw new TypeError(`prediction.seq must be a whole number, got ${String(seq)}`);
    }
    const state = this.streams.admit(streamId, newStreamRouteState);
    if (!state) throw new StreamRefusedError(streamId, this.config.maxStreams);
    if (this.config.dropRepeatedWindows && isRepeatedWindow(state, seq)) {
      this.repeatedWindows++;
      return [];
    }
    const step = advanceStream(state, probabilities, eventTime, this.labels, this.config, seq);
    const payload: RoutedEmotion = {
      streamId,
      mode: this.config.mode,
      emotion: step.state,
      confidence: step.confidence,
      since: step.since,
      previous: step.previous,
      changed: step.changed,
      probabilities: Object.fromEntries(this.labels.map((label, i) => [label, step.smoothed.probabilities[i]])),
      windowStart,
      windowEnd: eventTime,
    };
    const events: RouterEvent[] = [];
    if (step.sendState) events.push({ output: step.state, port: this.outputNames.indexOf(step.state), payload });
    if (step.changed && this.config.changedOutput) {
      events.push({ output: 'changed', port: this.outputNames.indexOf('changed'), payload: { ...payload } });
    }
    return events;
  }

  snapshot(streamId: string): StreamRouteSnapshot | undefined {
    const state = this.streams.get(streamId);
    if (!state) return undefined;
    return { streamId, state: state.current, since: state.since, previous: state.previous, pending: state.pending };
  }

  /** Forgets streams idle for longer than `idleTimeoutMs`; returns how many. */
  expireIdle(): number {
    return this.streams.sweep();
  }

  forget(streamId: string): boolean {
    return this.streams.delete(streamId);
  }

  clear(): void {
    this.streams.clear();
  }
}
