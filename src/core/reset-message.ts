import { type StreamIdFields, explicitStreamIdOf } from './stream-id';

export interface ResetFields extends StreamIdFields {
  reset?: unknown;
}

/**
 * A reset message: `msg.reset` set to anything but false (true, as documented; other values as
 * earlier versions accepted), or `msg.topic` "reset". Returns the stream to drop (by the
 * stream-id rule, the topic "reset" itself excepted) or `'all'`; undefined for any other message.
 */
export function resetTargetOf(msg: ResetFields): { streamId: string } | 'all' | undefined {
  const isReset = (msg.reset !== undefined && msg.reset !== null && msg.reset !== false) || msg.topic === 'reset';
  if (!isReset) return undefined;
  const streamId = explicitStreamIdOf(msg.topic === 'reset' ? { ...msg, topic: undefined } : msg);
  return streamId === undefined ? 'all' : { streamId };
}
