import { FeatureWindow, FeatureWindowOptions } from './feature-window-stream';
import { FeatureWindowRegistry, StreamLimits } from './feature-window-registry';

/** What a FeatureWindowPool asks of one of its threads (or of its own registry when it has none). */
export type PoolRequest =
  | {
      kind: 'push';
      id: number;
      streamId: string;
      samples: Float32Array | Int16Array;
      timestamp: number | undefined;
      final: boolean;
      /** audio of this stream was dropped before this chunk: start the stream afresh, so no window spans the gap */
      afterGap: boolean;
    }
  /** a stream's state (every stream's without streamId) dropped */
  | { kind: 'reset'; id: number; streamId?: string }
  | { kind: 'sweep'; id: number };

/** A thread's answer to one request, with its registry's counts after it. */
export type PoolReply = {
  id: number;
  size: number;
  droppedStreams: number;
  /** bytes the registry's streams hold */
  bytes: number;
  /** how long the thread worked on the request, ms (measured there: its compute, not its wait) */
  workMs?: number;
} & ({ ok: true; windows: FeatureWindow[] } | { ok: false; error: { name: string; message: string } });

/** A thread's first message: its registry is up (a thread's start can take a while, and is not lag). */
export const THREAD_READY = 'ready';

/** What a thread is started with (its workerData). */
export interface PoolThreadSetup {
  options: FeatureWindowOptions;
  limits: StreamLimits;
}

/** Carries out one request on a registry: the same code on a worker thread and on the main thread. */
export function applyPoolRequest(registry: FeatureWindowRegistry, request: PoolRequest): PoolReply {
  const counts = () => ({ id: request.id, size: registry.size, droppedStreams: registry.dropped, bytes: registry.footprintBytes() });
  try {
    let windows: FeatureWindow[] = [];
    if (request.kind === 'push') {
      if (request.afterGap) registry.reset(request.streamId);
      windows = registry.push(request.streamId, request.samples, request.timestamp, request.final);
    } else if (request.kind === 'reset') {
      registry.reset(request.streamId);
    } else {
      registry.sweep();
    }
    return { ...counts(), ok: true, windows };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    return { ...counts(), ok: false, error: { name: error.name, message: error.message } };
  }
}
