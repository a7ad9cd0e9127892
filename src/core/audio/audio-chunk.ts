/** The sample rate every stage after the audio source works at (the paper's 16 kHz). */
export const MODEL_SAMPLE_RATE = 16000;

/**
 * A piece of one audio stream. Every stage keys its state by `streamId`, so many
 * microphones can share one flow; `seq` counts chunks per stream from 0 and
 * `timestamp` is the wall-clock time (ms since epoch) of the chunk's first sample.
 */
export interface AudioChunk {
  streamId: string;
  seq: number;
  timestamp: number;
  sampleRate: number;
  /** Mono samples in [-1, 1]. */
  samples: Float32Array;
  /**
   * The same samples as 16-bit PCM (value / 32768) when they arrived as 16 kHz mono 16-bit PCM:
   * passed on as they came, and `samples` is made from them only if something reads it.
   */
  pcm16?: Int16Array;
  /** True on the last chunk of a finite stream (end of a file); the stream's state may be dropped. */
  final?: boolean;
}

/** Decoded multi-channel audio before down-mixing: one Float32Array per channel. */
export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
}
