import { ACTIVE_STREAM_MS } from './stream-state-map';

/**
 * A stream's message refused because every place (Max streams) holds a stream heard within ACTIVE_STREAM_MS. Not a
 * failure of the message: nodes count and show it (status, a throttled warning) instead of reporting it to Catch.
 */
export class StreamRefusedError extends Error {
  constructor(
    readonly streamId: string,
    readonly maxStreams: number,
  ) {
    super(`stream "${streamId}" refused: all ${maxStreams} places hold streams heard in the last ${ACTIVE_STREAM_MS / 1000} s`);
    this.name = 'StreamRefusedError';
  }
}
