import type { EmotionPrediction, FeatureWindowPayload } from '../messages';
import type { EmotionModel } from './emotion-model';
import { InferenceBatcher, type InferenceBatcherOptions } from './inference-batcher';
import type { RunningNormaliser } from './running-normaliser';
import { StreamRefusedError } from '../stream-refused-error';
import { StreamStateMap } from '../stream-state-map';

export interface EmotionStreamClassifierOptions extends InferenceBatcherOptions {
  /** Per-stream normalisers kept at most (least recently used dropped first). */
  maxStreams: number;
  /** A stream unheard for this long starts calibrating afresh. */
  idleMs: number;
  attention: boolean;
}

/** One input: a feature-window payload or a bare vector, with the stream it belongs to. */
export interface ClassifierInput {
  streamId: string;
  vector: ArrayLike<number>;
  profile?: string;
  start: number;
  end: number;
  voiced: boolean;
  /** the window's sequence number in its stream, carried to the prediction */
  seq?: number;
  /** the vector was already normalised for its stream (at the edge): classify it as it is */
  normalised?: boolean;
}

/**
 * Turns msg.payload (a FeatureWindowPayload or a plain number[] / Float32Array vector) into a
 * checked ClassifierInput. Throws a message naming what is wrong.
 */
export function classifierInputOf(payload: unknown, fallbackStreamId: unknown, now = Date.now()): ClassifierInput {
  const streamIdOf = (value: unknown) =>
    typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : 'default';
  if (Array.isArray(payload) || payload instanceof Float32Array || payload instanceof Float64Array) {
    return { streamId: streamIdOf(fallbackStreamId), vector: payload as ArrayLike<number>, start: now, end: now, voiced: true };
  }
  if (payload === null || typeof payload !== 'object') {
    throw new Error(`msg.payload must be a feature-window payload or a feature vector (got ${payload === null ? 'null' : typeof payload})`);
  }
  const p = payload as Partial<FeatureWindowPayload>;
  const vector: unknown = p.vector;
  if (!Array.isArray(vector) && !(vector instanceof Float32Array) && !(vector instanceof Float64Array)) {
    throw new Error('msg.payload.vector must be an array of numbers (a feature-window payload)');
  }
  const time = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : now);
  return {
    streamId: streamIdOf(p.streamId ?? fallbackStreamId),
    vector: vector as ArrayLike<number>,
    profile: typeof p.profile === 'string' ? p.profile : undefined,
    start: time(p.start),
    end: time(p.end),
    voiced: p.voiced !== false,
    ...(typeof p.seq === 'number' && Number.isInteger(p.seq) ? { seq: p.seq } : {}),
    ...(p.normalised === true ? { normalised: true } : {}),
  };
}

/**
 * The inference side of the flow for many streams: checks each window against the model,
 * applies the stream's running normaliser when the model expects one, batches windows from all
 * streams into one model call and returns EmotionPredictions. Bounded and disposable.
 */
export class EmotionStreamClassifier {
  private readonly batcher: InferenceBatcher;
  private readonly normalisers: StreamStateMap<RunningNormaliser>;

  constructor(
    private readonly model: EmotionModel,
    private readonly options: EmotionStreamClassifierOptions,
  ) {
    this.batcher = new InferenceBatcher(model, options);
    this.normalisers = new StreamStateMap<RunningNormaliser>({ maxStreams: options.maxStreams, idleMs: options.idleMs });
  }

  get streamCount(): number {
    return this.normalisers.size;
  }

  get batches(): number {
    return this.batcher.batches;
  }

  async classify(input: ClassifierInput): Promise<EmotionPrediction> {
    const vector = input.normalised ? this.checkedNormalised(input) : this.normalise(input);
    const out = await this.batcher.predict(vector, { attention: this.options.attention });
    return { streamId: input.streamId, ...out, start: input.start, end: input.end, ...(input.seq === undefined ? {} : { seq: input.seq }) };
  }

  /**
   * The vector the model is given for this window: checked, and z-scored by the stream's running
   * normaliser when the model expects one (which learns from voiced windows only). The edge of an MQTT
   * scale-out calls this alone, so that the per-stream state stays with the flow that owns the stream. Throws
   * StreamRefusedError for a new stream while every place (maxStreams) holds an active one.
   */
  normalise(input: ClassifierInput): ArrayLike<number> {
    this.model.checkInput(input.vector, input.profile);
    this.model.checkPlausible(input.vector);
    if (this.model.metadata.normalisation.mode !== 'per-stream') return input.vector;
    const normaliser = this.normalisers.admit(input.streamId, () => this.model.createStreamNormaliser()!);
    if (!normaliser) throw new StreamRefusedError(input.streamId, this.options.maxStreams);
    // Silence and noise would teach the normaliser the wrong statistics.
    if (input.voiced) normaliser.update(input.vector);
    return normaliser.normalise(input.vector);
  }

  /** A vector normalised elsewhere holds z-scores, not raw features: only its length and values are checked. */
  private checkedNormalised(input: ClassifierInput): ArrayLike<number> {
    this.model.checkInput(input.vector, input.profile);
    return input.vector;
  }

  /** Forgets one stream's calibration (or all). */
  reset(streamId?: string): void {
    if (streamId === undefined) this.normalisers.clear();
    else this.normalisers.delete(streamId);
  }

  expireIdle(now = Date.now()): number {
    return this.normalisers.sweep(now);
  }

  close(): void {
    this.batcher.close();
    this.normalisers.clear();
  }
}
