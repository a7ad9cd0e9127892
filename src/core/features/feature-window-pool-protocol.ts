import { FeatureWindow, FeatureWindowOptions } from './feature-window-stream';
import { FeatureWindowRegistry, StreamLimits } from './feature-window-registry';
import { isStaged, stagedView, type RequestSamples } from './feature-window-pool-sample-slabs';

/** What a FeatureWindowPool asks of one of its threads (or of its own registry when it has none). */
export type PoolRequest =
  | {
      kind: 'push';
      id: number;
      streamId: string;
      /** on a worker thread, mostly staged in a slab it was given (SampleSlabs) */
      samples: RequestSamples;
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
  /** after a push: samples the stream still needs before its next window (FeatureWindowStream.samplesBeforeNextWindow) */
  nextWindowIn?: number;
} & ({ ok: true; windows: FeatureWindow[] } | { ok: false; error: { name: string; message: string } });

/** A slab of samples for a thread (SampleSlabs), or without a buffer: the slab is given up. */
export interface SlabShare {
  kind: 'slab';
  slab: number;
  buffer: SharedArrayBuffer | undefined;
}

/** A thread's first message: its registry is up (a thread's start can take a while, and is not lag). */
export const THREAD_READY = 'ready';

/** What a thread is started with (its workerData). */
export interface PoolThreadSetup {
  options: FeatureWindowOptions;
  limits: StreamLimits;
}

const NO_SLABS: ReadonlyMap<number, SharedArrayBuffer> = new Map();

/**
 * Carries out one request on a registry: the same code on a worker thread and on the main thread. `slabs`: the slabs a
 * thread was given, by index.
 */
export function applyPoolRequest(
  registry: FeatureWindowRegistry,
  request: PoolRequest,
  slabs: ReadonlyMap<number, SharedArrayBuffer> = NO_SLABS,
): PoolReply {
  const counts = () => ({ id: request.id, size: registry.size, droppedStreams: registry.dropped, bytes: registry.footprintBytes() });
  try {
    let windows: FeatureWindow[] = [];
    let nextWindowIn: number | undefined;
    if (request.kind === 'push') {
      if (request.afterGap) registry.reset(request.streamId);
      const samples = isStaged(request.samples) ? stagedView(request.samples, slabs) : request.samples;
      windows = registry.push(request.streamId, samples, request.timestamp, request.final);
      nextWindowIn = registry.samplesBeforeNextWindow(request.streamId);
    } else if (request.kind === 'reset') {
      registry.reset(request.streamId);
    } else {
      registry.sweep();
    }
    return nextWindowIn === undefined ? { ...counts(), ok: true, windows } : { ...counts(), ok: true, windows, nextWindowIn };
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    return { ...counts(), ok: false, error: { name: error.name, message: error.message } };
  }
}
