import { Observable, OperatorFunction } from 'rxjs';
import { EmotionPrediction } from '../messages';
import { StreamRefusedError } from '../stream-refused-error';
import { EmotionRouter, EmotionRouterOptions } from './emotion-router';
import { RouterConfig } from './router-config';
import { RouterEvent } from './routed-emotion';

/**
 * RxJS operator form of the emotion router: predictions of any number of streams in, router
 * events out. Each subscription has its own router; idle streams are swept on every prediction. A new stream's
 * predictions are skipped while every place (maxStreams) holds an active stream.
 */
export function routeEmotions(
  config: Partial<RouterConfig> = {},
  options: EmotionRouterOptions = {},
): OperatorFunction<EmotionPrediction, RouterEvent> {
  return (source) =>
    new Observable<RouterEvent>((subscriber) => {
      const router = new EmotionRouter(config, options);
      const subscription = source.subscribe({
        next(prediction) {
          let events: RouterEvent[];
          try {
            router.expireIdle();
            events = router.route(prediction);
          } catch (err) {
            // A stream beyond maxStreams while all are active gets no events, as in the node; the rest go on.
            if (!(err instanceof StreamRefusedError)) subscriber.error(err);
            return;
          }
          for (const event of events) subscriber.next(event);
        },
        error: (err) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        router.clear();
      };
    });
}
