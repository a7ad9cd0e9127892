import { type AudioChunk, MODEL_SAMPLE_RATE } from './audio-chunk';
import { downmixToMono } from './downmix';
import { int16ToFloat } from './pcm16';
import { SincResampler } from './sinc-resampler';

export interface AudioStreamConverterOptions {
  streamId: string;
  /** samples per output chunk at 16 kHz */
  chunkSamples: number;
  /** wall clock, ms since epoch */
  now?: () => number;
}

/**
 * One stream's way from arbitrary audio (any rate, any channel count, any piece size) to fixed-size
 * mono 16 kHz chunks with a sequence number and the timestamp of their first sample.
 * Holds at most one chunk of output plus the resampler's filter history.
 */
export class AudioStreamConverter {
  private resampler: SincResampler | undefined;
  private pending: Float32Array;
  private pendingLength = 0;
  /** the pending samples as 16-bit PCM while every sample of the chunk being filled came so */
  private pendingPcm: Int16Array | undefined;
  private seq = 0;
  private startTime: number | undefined;
  private samplesOut = 0;
  private readonly now: () => number;

  constructor(private readonly options: AudioStreamConverterOptions) {
    if (!Number.isInteger(options.chunkSamples) || options.chunkSamples < 1) {
      throw new RangeError(`chunk length must be a positive number of samples, got ${options.chunkSamples}`);
    }
    this.pending = new Float32Array(options.chunkSamples);
    this.now = options.now ?? Date.now;
  }

  get streamId(): string {
    return this.options.streamId;
  }

  /** Adds audio; returns the chunks it completes. With `final`, also the last partial chunk, marked final. */
  push(channels: Float32Array[], sampleRate: number, final = false): AudioChunk[] {
    if (this.startTime === undefined) this.startTime = this.now();
    const chunks: AudioChunk[] = [];
    this.pendingToFloat();
    if (this.resampler && this.resampler.inputRate !== sampleRate) {
      // The source changed rate mid-stream: finish the old rate's filter tail first.
      this.collect(this.resampler.flush(), chunks);
      this.resampler = undefined;
    }
    if (!this.resampler && sampleRate !== MODEL_SAMPLE_RATE) this.resampler = new SincResampler(sampleRate, MODEL_SAMPLE_RATE);
    const mono = channels.length > 0 ? downmixToMono(channels) : new Float32Array(0);
    this.collect(this.resampler ? this.resampler.process(mono) : mono, chunks);
    if (final) {
      if (this.resampler) this.collect(this.resampler.flush(), chunks);
      this.resampler = undefined;
      if (this.pendingLength > 0 || chunks.length === 0) chunks.push(this.emit(this.pending.slice(0, this.pendingLength)));
      chunks[chunks.length - 1].final = true;
      this.pendingLength = 0;
    }
    return chunks;
  }

  /**
   * Adds 16 kHz mono 16-bit PCM: passed through as it came (chunks are views of `pcm`, or of one
   * copy of the part that fills a chunk begun earlier), each chunk carrying it as `pcm16`.
   */
  pushPcm16(pcm: Int16Array, final = false): AudioChunk[] {
    if (this.resampler || (this.pendingLength > 0 && this.pendingPcm === undefined)) {
      // a resampler's tail or float samples are pending: this audio joins them as floats
      return this.push([int16ToFloat(pcm)], MODEL_SAMPLE_RATE, final);
    }
    if (this.startTime === undefined) this.startTime = this.now();
    const chunks: AudioChunk[] = [];
    const size = this.options.chunkSamples;
    let offset = 0;
    if (this.pendingLength > 0) {
      const pending = this.pendingPcm!;
      const take = Math.min(size - this.pendingLength, pcm.length);
      pending.set(pcm.subarray(0, take), this.pendingLength);
      this.pendingLength += take;
      offset = take;
      if (this.pendingLength === size) {
        chunks.push(this.emitPcm16(pending));
        this.pendingPcm = undefined;
        this.pendingLength = 0;
      }
    }
    for (; offset + size <= pcm.length; offset += size) chunks.push(this.emitPcm16(pcm.subarray(offset, offset + size)));
    if (offset < pcm.length) {
      this.pendingPcm = new Int16Array(size);
      this.pendingPcm.set(pcm.subarray(offset));
      this.pendingLength = pcm.length - offset;
    }
    if (final) {
      if (this.pendingLength > 0 || chunks.length === 0) {
        chunks.push(this.emitPcm16((this.pendingPcm ?? new Int16Array(0)).subarray(0, this.pendingLength)));
      }
      chunks[chunks.length - 1].final = true;
      this.pendingPcm = undefined;
      this.pendingLength = 0;
    }
    return chunks;
  }

  /** Float samples are coming: the 16-bit samples pending join them as floats. */
  private pendingToFloat(): void {
    if (this.pendingPcm === undefined) return;
    this.pending.set(int16ToFloat(this.pendingPcm.subarray(0, this.pendingLength)));
    this.pendingPcm = undefined;
  }

  private emitPcm16(pcm: Int16Array): AudioChunk {
    let samples: Float32Array | undefined;
    const chunk: AudioChunk = {
      streamId: this.options.streamId,
      seq: this.seq++,
      timestamp: (this.startTime as number) + (this.samplesOut * 1000) / MODEL_SAMPLE_RATE,
      sampleRate: MODEL_SAMPLE_RATE,
      pcm16: pcm,
      get samples(): Float32Array {
        samples ??= int16ToFloat(pcm);
        return samples;
      },
    };
    this.samplesOut += pcm.length;
    return chunk;
  }

  /** Ends the stream without new audio. */
  end(): AudioChunk[] {
    return this.push([], this.resampler?.inputRate ?? MODEL_SAMPLE_RATE, true);
  }

  private collect(samples: Float32Array, chunks: AudioChunk[]): void {
    const size = this.options.chunkSamples;
    let offset = 0;
    while (offset < samples.length) {
      const take = Math.min(size - this.pendingLength, samples.length - offset);
      this.pending.set(samples.subarray(offset, offset + take), this.pendingLength);
      this.pendingLength += take;
      offset += take;
      if (this.pendingLength === size) {
        chunks.push(this.emit(this.pending.slice()));
        this.pendingLength = 0;
      }
    }
  }

  private emit(samples: Float32Array): AudioChunk {
    const chunk: AudioChunk = {
      streamId: this.options.streamId,
      seq: this.seq++,
      timestamp: (this.startTime as number) + (this.samplesOut * 1000) / MODEL_SAMPLE_RATE,
      sampleRate: MODEL_SAMPLE_RATE,
      samples,
    };
    this.samplesOut += samples.length;
    return chunk;
  }
}
