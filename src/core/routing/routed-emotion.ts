import { RoutingMode } from './routing-modes';

/** msg.payload of every emotion-router output: what an action needs to know. */
export interface RoutedEmotion {
  streamId: string;
  mode: RoutingMode;
  /** The stream's current state: a label of the mode (emotion, valence or activation) or 'uncertain'. */
  emotion: string;
  /** Smoothed probability of `emotion`; for 'uncertain', of the most likely label. */
  confidence: number;
  /** ms since epoch (audio time) at which the current state was first seen. */
  since: number;
  /** The state before the current one, or null if this is the stream's first state. */
  previous: string | null;
  /** True on the window where the state changed. */
  changed: boolean;
  /** Smoothed probabilities per label of the mode. */
  probabilities: Record<string, number>;
  /** ms since epoch of the first and last sample of the window that triggered this message. */
  windowStart: number;
  windowEnd: number;
}

/** One message the router wants to send: on which output and with what payload. */
export interface RouterEvent {
  /** Output name: a label, 'uncertain' or 'changed'. */
  output: string;
  /** 0-based output port of the Node-RED node. */
  port: number;
  payload: RoutedEmotion;
}
