import { MODEL_SAMPLE_RATE } from '../../core/audio/audio-chunk';
import { pcm16View } from '../../core/audio/pcm16';
import { streamIdOf } from '../../core/stream-id';

/** Audio of one input message, as the feature-window node takes it. */
export interface WindowInput {
  streamId: string;
  /** floats in [-1, 1], or 16-bit PCM as it came (value / 32768) */
  samples: Float32Array | Int16Array;
  timestamp: number | undefined;
  final: boolean;
}

/** The part of an input message the node reads. */
export interface FeatureWindowInputMessage {
  payload?: unknown;
  streamId?: unknown;
  topic?: unknown;
  reset?: unknown;
  audio?: unknown;
  sampleRate?: unknown;
}

const MAX_SAMPLES_PER_MESSAGE = 16000 * 600;

/**
 * Reads audio from msg.payload: a Buffer of s16le mono PCM (what audio-source sends), a
 * Float32Array or an array of numbers in [-1, 1]; at 16 kHz (msg.audio.sampleRate, or
 * msg.sampleRate; a Buffer without either is taken as 16 kHz). Throws a clear error otherwise.
 */
export function readWindowInput(msg: FeatureWindowInputMessage): WindowInput {
  const meta = (msg.audio !== null && typeof msg.audio === 'object' ? msg.audio : {}) as Record<string, unknown>;
  const rate = meta.sampleRate ?? msg.sampleRate;
  const payload = msg.payload;
  const isBuffer = Buffer.isBuffer(payload);
  if (rate === undefined ? !isBuffer : Number(rate) !== MODEL_SAMPLE_RATE) {
    throw new RangeError(
      `feature-window needs 16 kHz mono audio, got ${rate === undefined ? 'no msg.audio.sampleRate' : `${String(rate)} Hz`}; ` +
        'put an audio-source node in front to decode and resample',
    );
  }
  if (meta.channels !== undefined && Number(meta.channels) !== 1) {
    throw new RangeError(`feature-window needs mono audio, got ${String(meta.channels)} channels; put an audio-source node in front`);
  }
  let samples: Float32Array;
  if (isBuffer) {
    const buf = payload as Buffer;
    if (buf.length % 2 !== 0) throw new RangeError(`msg.payload has ${buf.length} bytes: not whole 16-bit samples`);
    // 16-bit samples are always in range: no check, no conversion (a view of the Buffer)
    const pcm = pcm16View(buf);
    if (pcm.length > MAX_SAMPLES_PER_MESSAGE) throw new RangeError(`msg.payload holds more than 10 minutes of audio`);
    return { streamId: streamIdOf(msg, 'default'), samples: pcm, timestamp: timestampOf(meta), final: meta.final === true };
  } else if (payload instanceof Float32Array) {
    samples = payload;
  } else if (Array.isArray(payload)) {
    samples = Float32Array.from(payload as unknown[], (v, i) => {
      if (typeof v !== 'number') throw new TypeError(`msg.payload[${i}] is not a number`);
      return v;
    });
  } else {
    throw new TypeError(
      `msg.payload must be a Buffer of 16-bit PCM, a Float32Array or an array of numbers, got ${payload === null ? 'null' : typeof payload}`,
    );
  }
  if (samples.length > MAX_SAMPLES_PER_MESSAGE) throw new RangeError(`msg.payload holds more than 10 minutes of audio`);
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i];
    if (!(v >= -1.0001 && v <= 1.0001)) throw new RangeError(`sample ${i} of msg.payload (${v}) is not a number in [-1, 1]`);
  }
  return { streamId: streamIdOf(msg, 'default'), samples, timestamp: timestampOf(meta), final: meta.final === true };
}

function timestampOf(meta: Record<string, unknown>): number | undefined {
  return typeof meta.timestamp === 'number' && Number.isFinite(meta.timestamp) ? meta.timestamp : undefined;
}
