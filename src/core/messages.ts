/**
 * The payloads that travel between the package's nodes. Kept plain (numbers, strings,
 * arrays, Buffers) so that they survive Node-RED's message cloning, JSON and MQTT.
 */

/** audio-source output: msg.payload is a Buffer of signed 16-bit little-endian mono PCM. */
export interface AudioMessageMeta {
  streamId: string;
  seq: number;
  /** ms since epoch of the chunk's first sample */
  timestamp: number;
  sampleRate: number;
  channels: 1;
  bits: 16;
  encoding: 'signed-integer';
  /** number of samples in the chunk */
  samples: number;
  /** last chunk of a finite stream (end of file) */
  final?: boolean;
  /** flow and microphone input: ms the chunk is sent after its first sample's time (how far behind real time the stream runs) */
  lag?: number;
}

/** feature-window output: msg.payload */
export interface FeatureWindowPayload {
  streamId: string;
  /** feature profile name, e.g. 'paper' (68 values) */
  profile: string;
  /** clip vector: means then standard deviations of the short-term features */
  vector: number[];
  /** ms since epoch of the window's first and last sample */
  start: number;
  end: number;
  /** share of the window's frames judged as speech, 0..1 */
  speechRatio: number;
  voiced: boolean;
  /** window number in the stream, from 0 */
  seq: number;
  /** sample offsets (16 kHz) of the window in its stream: [startSample, endSample) */
  startSample: number;
  endSample: number;
  /** the last window of a stream that ended: its last window length (end-aligned), or all of a shorter stream (sent when at least the minimum final length) */
  partial?: boolean;
  /** the window's silent edges were cut before its vector was computed (feature-window's "speech only") */
  trimmed?: boolean;
  /** with trimmed: ms since epoch of the stretch [speechStart, speechEnd) the vector describes */
  speechStart?: number;
  speechEnd?: number;
  /** seconds of this stream's audio feature-window dropped (late beyond its lag budget) since the stream's previous window */
  droppedSeconds?: number;
  /** the vector is already z-scored by its stream's running normaliser (mt-a-dnn-infer at the edge of an MQTT scale-out) */
  normalised?: boolean;
}

export const EMOTIONS = ['anger', 'happiness', 'neutral', 'sadness'] as const;
export type Emotion = (typeof EMOTIONS)[number];
export const VALENCES = ['negative', 'positive'] as const;
export const ACTIVATIONS = ['low', 'high'] as const;

/** mt-a-dnn-infer output: msg.payload */
export interface EmotionPrediction {
  streamId: string;
  emotion: Emotion;
  confidence: number;
  probabilities: Record<Emotion, number>;
  valence: { label: (typeof VALENCES)[number]; probabilities: Record<(typeof VALENCES)[number], number> };
  activation: { label: (typeof ACTIVATIONS)[number]; probabilities: Record<(typeof ACTIVATIONS)[number], number> };
  start: number;
  end: number;
  /** the window's seq (feature-window), when it had one: lets a router drop duplicate and out-of-order results */
  seq?: number;
  attention?: { emotion: number[]; valence: number[]; activation: number[] };
}
