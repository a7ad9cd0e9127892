import { Observable, OperatorFunction } from 'rxjs';
import { AudioChunk, MODEL_SAMPLE_RATE } from '../audio/audio-chunk';
import { FeatureWindow, FeatureWindowOptions, resolveFeatureWindowOptions } from './feature-window-stream';
import { FeatureWindowRegistry, StreamLimits } from './feature-window-registry';

/**
 * Audio chunks of any number of streams (16 kHz) to one FeatureWindow per analysis window per
 * stream. A chunk with `final` ends its stream (flushing its last window, FeatureWindowStream.end());
 * streams idle longer than `idleSeconds` are dropped; at most `maxStreams` are kept (least
 * recently used dropped first). With `voicedOnly`, unvoiced windows are not emitted.
 */
export function featureWindows(
  options: Partial<FeatureWindowOptions> & Partial<StreamLimits> & { voicedOnly?: boolean } = {},
): OperatorFunction<AudioChunk, FeatureWindow> {
  const windowOptions = resolveFeatureWindowOptions(options);
  return (source) =>
    new Observable<FeatureWindow>((subscriber) => {
      const streams = new FeatureWindowRegistry(windowOptions, options);
      const emit = (windows: FeatureWindow[]) => {
        for (const w of windows) if (w.voiced || !options.voicedOnly) subscriber.next(w);
      };
      const subscription = source.subscribe({
        next(chunk) {
          try {
            if (chunk.sampleRate !== MODEL_SAMPLE_RATE) {
              throw new RangeError(`feature windows need ${MODEL_SAMPLE_RATE} Hz audio, got ${chunk.sampleRate} Hz`);
            }
            emit(streams.push(chunk.streamId, chunk.pcm16 ?? chunk.samples, chunk.timestamp, chunk.final === true));
          } catch (err) {
            subscriber.error(err);
          }
        },
        error(err) {
          streams.dispose();
          subscriber.error(err);
        },
        complete() {
          for (const id of streams.ids()) emit(streams.end(id));
          streams.dispose();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        streams.dispose();
      };
    });
}
