import { RouterConfig } from './router-config';
import { UNCERTAIN } from './routing-modes';
import { SmoothedScores, smoothScores } from './smoothing';

/** What the router remembers about one stream. Everything here is bounded by the configuration. */
export interface StreamRouteState {
  /** Probability vectors of the last `smoothingWindows` windows, oldest first. */
  history: number[][];
  /** Committed state: a label or 'uncertain'; null before the first window. */
  current: string | null;
  since: number;
  previous: string | null;
  /** A different state being proposed but not yet held for `minDwellMs`. */
  pending: string | null;
  pendingSince: number;
  /** Audio time each output last sent a message (at most one entry per output). */
  lastSent: Map<string, number>;
  lastEventTime: number;
  /** Highest window seq routed so far (-1: none), for dropRepeatedWindows. */
  lastSeq: number;
}

export function newStreamRouteState(): StreamRouteState {
  return {
    history: [],
    current: null,
    since: 0,
    previous: null,
    pending: null,
    pendingSince: 0,
    lastSent: new Map(),
    lastEventTime: -Infinity,
    lastSeq: -1,
  };
}

/** The outcome of one window for one stream. */
export interface RouteStep {
  state: string;
  confidence: number;
  since: number;
  previous: string | null;
  changed: boolean;
  smoothed: SmoothedScores;
  /** Whether the state's own output may send (its cooldown has passed). */
  sendState: boolean;
}

/**
 * Hysteresis: a label becomes the proposal when it is the smoothed top label with at least
 * `enterThreshold`; the current label is kept while it stays at or above `leaveThreshold`;
 * otherwise the proposal is 'uncertain'.
 */
function propose(current: string | null, smoothed: SmoothedScores, labels: readonly string[], config: RouterConfig): string {
  const top = labels[smoothed.top];
  const topConfidence = smoothed.probabilities[smoothed.top];
  if (topConfidence >= config.enterThreshold) return top;
  const currentIndex = current === null ? -1 : labels.indexOf(current);
  if (currentIndex >= 0 && smoothed.probabilities[currentIndex] >= config.leaveThreshold) return current as string;
  return UNCERTAIN;
}

/** Whether a window with this seq was already routed, or comes after a later one (a duplicate or a late result). */
export function isRepeatedWindow(state: StreamRouteState, seq: unknown): boolean {
  return typeof seq === 'number' && seq <= state.lastSeq;
}

/**
 * Advances one stream by one window. `eventTime` is the window's audio time (ms); dwell and
 * cooldown are measured on it, so a file replayed faster than real time behaves as live audio.
 */
export function advanceStream(
  state: StreamRouteState,
  probabilities: number[],
  eventTime: number,
  labels: readonly string[],
  config: RouterConfig,
  seq?: number,
): RouteStep {
  if (eventTime < state.lastEventTime) {
    // The stream's clock went backwards (e.g. a file restarted under the same id): start over.
    Object.assign(state, newStreamRouteState());
  }
  state.lastEventTime = eventTime;
  if (typeof seq === 'number') state.lastSeq = seq;
  state.history.push(probabilities);
  while (state.history.length > config.smoothingWindows) state.history.shift();

  const smoothed = smoothScores(state.history, config.smoothing);
  const proposal = propose(state.current, smoothed, labels, config);
  let changed = false;
  if (state.current === null) {
    // The first state has nothing to flicker against, so it needs no dwell.
    state.current = proposal;
    state.since = eventTime;
    changed = true;
  } else if (proposal === state.current) {
    state.pending = null;
  } else {
    if (state.pending !== proposal) {
      state.pending = proposal;
      state.pendingSince = eventTime;
    }
    if (eventTime - state.pendingSince >= config.minDwellMs) {
      state.previous = state.current;
      state.current = proposal;
      state.since = state.pendingSince;
      state.pending = null;
      changed = true;
    }
  }

  const stateIndex = labels.indexOf(state.current);
  const confidence = smoothed.probabilities[stateIndex >= 0 ? stateIndex : smoothed.top];
  const lastSent = state.lastSent.get(state.current);
  const sendState = lastSent === undefined || eventTime - lastSent >= config.cooldownMs;
  if (sendState) state.lastSent.set(state.current, eventTime);
  return { state: state.current, confidence, since: state.since, previous: state.previous, changed, smoothed, sendState };
}
