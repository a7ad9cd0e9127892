/** Longest stream id the nodes keep; longer ids are cut to this length. */
export const MAX_STREAM_ID_LENGTH = 200;

/** The fields of a message the stream id can come from. */
export interface StreamIdFields {
  streamId?: unknown;
  topic?: unknown;
  audio?: unknown;
  payload?: unknown;
}

function idFrom(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new TypeError(`msg.streamId must be a string or number, got ${typeof value}`);
  return value;
}

function nestedStreamId(container: unknown): unknown {
  return container !== null && typeof container === 'object' && !ArrayBuffer.isView(container)
    ? (container as { streamId?: unknown }).streamId
    : undefined;
}

/**
 * The stream a message belongs to, by one rule for every node: `msg.streamId`, then
 * `msg.audio.streamId`, then `msg.payload.streamId`, then `msg.topic`; undefined when none is set.
 * The id is cut to MAX_STREAM_ID_LENGTH characters into a fresh string: a slice of a long string
 * would keep the whole of it alive in the per-stream map.
 */
export function explicitStreamIdOf(msg: StreamIdFields): string | undefined {
  const id = idFrom(msg.streamId) ?? idFrom(nestedStreamId(msg.audio)) ?? idFrom(nestedStreamId(msg.payload)) ?? idFrom(msg.topic);
  if (id === undefined || id.length <= MAX_STREAM_ID_LENGTH) return id;
  return Buffer.from(id.slice(0, MAX_STREAM_ID_LENGTH), 'utf8').toString('utf8');
}

/** `explicitStreamIdOf(msg)`, or the node's default stream when the message names none. */
export function streamIdOf(msg: StreamIdFields, fallback: string): string {
  return explicitStreamIdOf(msg) ?? fallback;
}
