import { type RouterConfig, resolveRouterConfig } from '../routing/router-config';
import { ConfigReader, type ConfigResult } from './config-result';

/** The properties the editor stores (numbers may arrive as strings); times are in seconds. */
export interface EmotionRouterNodeConfig {
  name?: string;
  mode?: string;
  smoothing?: string;
  smoothingWindows?: number | string;
  enterThreshold?: number | string;
  leaveThreshold?: number | string;
  minDwell?: number | string;
  cooldown?: number | string;
  changedOutput?: boolean | string;
  idleTimeout?: number | string;
  maxStreams?: number | string;
  dropRepeatedWindows?: boolean | string;
}

const secondsToMs = (value: unknown): unknown => (value === undefined || value === '' ? undefined : Number(value) * 1000);

export function routerConfigFromNode(config: EmotionRouterNodeConfig): Partial<Record<keyof RouterConfig, unknown>> {
  return {
    mode: config.mode,
    smoothing: config.smoothing,
    smoothingWindows: config.smoothingWindows,
    enterThreshold: config.enterThreshold,
    leaveThreshold: config.leaveThreshold,
    minDwellMs: secondsToMs(config.minDwell),
    cooldownMs: secondsToMs(config.cooldown),
    changedOutput: config.changedOutput,
    idleTimeoutMs: secondsToMs(config.idleTimeout),
    maxStreams: config.maxStreams,
    dropRepeatedWindows: config.dropRepeatedWindows,
  };
}

/** The emotion-router node's policy from its editor fields (checked by the router's own rules), or the problem. */
export function resolveEmotionRouterConfig(config: EmotionRouterNodeConfig): ConfigResult<RouterConfig> {
  const read = new ConfigReader();
  const resolved = read.attempt<RouterConfig | undefined>(() => resolveRouterConfig(routerConfigFromNode(config)), undefined);
  return resolved ? read.result(resolved) : { ok: false, problems: read.problems };
}
