import { ROUTING_MODES, RoutingMode, UNCERTAIN, modeLabels } from './routing-modes';

export type SmoothingMethod = 'mean' | 'majority';

/** How the emotion router turns a stream of per-window predictions into stable states and actions. */
export interface RouterConfig {
  mode: RoutingMode;
  /** 'mean': average the probabilities of the last N windows; 'majority': the label most windows picked. */
  smoothing: SmoothingMethod;
  /** N, the number of most recent windows smoothed together (1 = no smoothing). */
  smoothingWindows: number;
  /** Smoothed confidence a label needs to become the state. */
  enterThreshold: number;
  /** Smoothed confidence below which the current label is given up (<= enterThreshold). */
  leaveThreshold: number;
  /** How long (ms of audio) a new state must persist before the change counts. */
  minDwellMs: number;
  /** Minimum time (ms of audio) between two messages on the same output. */
  cooldownMs: number;
  /** Add the `changed` output that fires once per change of state. */
  changedOutput: boolean;
  /** Streams not heard from for this long (ms, wall clock) are forgotten. */
  idleTimeoutMs: number;
  /** At most this many streams are tracked; the least recently heard one is forgotten first. */
  maxStreams: number;
  /**
   * Ignore a prediction whose window `seq` is not above the stream's last one (a duplicate or a late
   * result, as a pool of workers over MQTT QoS 1 can deliver). Predictions without `seq` always pass.
   */
  dropRepeatedWindows: boolean;
}

export const DEFAULT_ROUTER_CONFIG: Readonly<RouterConfig> = Object.freeze({
  mode: 'emotion',
  smoothing: 'mean',
  smoothingWindows: 3,
  enterThreshold: 0.5,
  leaveThreshold: 0.4,
  minDwellMs: 1000,
  cooldownMs: 5000,
  changedOutput: true,
  idleTimeoutMs: 60_000,
  maxStreams: 1000,
  dropRepeatedWindows: false,
});

/** Upper bounds that keep per-stream memory small whatever the configuration says. */
export const MAX_SMOOTHING_WINDOWS = 100;
export const MAX_STREAMS_LIMIT = 100_000;

function numberFrom(value: unknown, name: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  return n;
}

function integerIn(value: unknown, name: string, min: number, max: number): number {
  const n = numberFrom(value, name);
  if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${n}`);
  return n;
}

function numberIn(value: unknown, name: string, min: number, max: number): number {
  const n = numberFrom(value, name);
  if (n < min || n > max) throw new RangeError(`${name} must be in [${min}, ${max}], got ${n}`);
  return n;
}

function booleanFrom(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new TypeError(`${name} must be true or false, got ${String(value)}`);
}

/**
 * Fills in defaults and checks every field; strings of numbers (as the Node-RED editor stores
 * them) are accepted. Throws a RangeError/TypeError naming the offending field.
 */
export function resolveRouterConfig(partial: Partial<Record<keyof RouterConfig, unknown>> = {}): RouterConfig {
  const pick = <K extends keyof RouterConfig>(key: K): unknown =>
    partial[key] === undefined || partial[key] === '' ? DEFAULT_ROUTER_CONFIG[key] : partial[key];
  const mode = pick('mode');
  if (!ROUTING_MODES.includes(mode as RoutingMode)) {
    throw new RangeError(`mode must be one of ${ROUTING_MODES.join(', ')}, got ${String(mode)}`);
  }
  const smoothing = pick('smoothing');
  if (smoothing !== 'mean' && smoothing !== 'majority') {
    throw new RangeError(`smoothing must be 'mean' or 'majority', got ${String(smoothing)}`);
  }
  const enterThreshold = numberIn(pick('enterThreshold'), 'enterThreshold', 0, 1);
  const leaveThreshold = numberIn(pick('leaveThreshold'), 'leaveThreshold', 0, 1);
  if (leaveThreshold > enterThreshold) {
    throw new RangeError(`leaveThreshold (${leaveThreshold}) must not exceed enterThreshold (${enterThreshold})`);
  }
  return {
    mode: mode as RoutingMode,
    smoothing,
    smoothingWindows: integerIn(pick('smoothingWindows'), 'smoothingWindows', 1, MAX_SMOOTHING_WINDOWS),
    enterThreshold,
    leaveThreshold,
    minDwellMs: numberIn(pick('minDwellMs'), 'minDwellMs', 0, 86_400_000),
    cooldownMs: numberIn(pick('cooldownMs'), 'cooldownMs', 0, 86_400_000),
    changedOutput: booleanFrom(pick('changedOutput'), 'changedOutput'),
    idleTimeoutMs: numberIn(pick('idleTimeoutMs'), 'idleTimeoutMs', 1, 7 * 86_400_000),
    maxStreams: integerIn(pick('maxStreams'), 'maxStreams', 1, MAX_STREAMS_LIMIT),
    dropRepeatedWindows: booleanFrom(pick('dropRepeatedWindows'), 'dropRepeatedWindows'),
  };
}

/** Output names in port order: one per label, then `uncertain`, then `changed` if enabled. */
export function routerOutputNames(config: Pick<RouterConfig, 'mode' | 'changedOutput'>): string[] {
  const names = [...modeLabels(config.mode), UNCERTAIN];
  if (config.changedOutput) names.push('changed');
  return names;
}
