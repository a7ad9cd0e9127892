import { Observable, type OperatorFunction } from 'rxjs';
import type { AudioChunk } from './audio-chunk';
import { AudioStreamConverter } from './audio-stream-converter';
import { StreamStateMap } from '../stream-state-map';

/** Decoded audio of one stream, in pieces of any size, rate and channel count. */
export interface AudioPiece {
  streamId: string;
  sampleRate: number;
  channels: Float32Array[];
  /** last piece of the stream */
  final?: boolean;
}

export interface ToModelChunksOptions {
  chunkSamples: number;
  maxStreams?: number;
  now?: () => number;
}

/**
 * Turns pieces of many interleaved streams into fixed-size mono 16 kHz chunks, per stream,
 * with sequence numbers and timestamps. A stream's state is dropped on its final piece.
 */
export function toModelChunks(options: ToModelChunksOptions): OperatorFunction<AudioPiece, AudioChunk> {
  return (source) =>
    new Observable<AudioChunk>((subscriber) => {
      const streams = new StreamStateMap<AudioStreamConverter>({ maxStreams: options.maxStreams ?? 1000, idleMs: 0 });
      const subscription = source.subscribe({
        next(piece) {
          const converter = streams.getOrCreate(
            piece.streamId,
            () => new AudioStreamConverter({ streamId: piece.streamId, chunkSamples: options.chunkSamples, now: options.now }),
          );
          for (const chunk of converter.push(piece.channels, piece.sampleRate, piece.final)) subscriber.next(chunk);
          if (piece.final) streams.delete(piece.streamId);
        },
        error: (err) => subscriber.error(err),
        complete() {
          for (const id of streams.streamIds()) {
            for (const chunk of streams.get(id)!.end()) subscriber.next(chunk);
          }
          streams.clear();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        streams.clear();
      };
    });
}
