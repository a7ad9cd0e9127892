import { meanAndStd } from './clip-vector';
import { PAPER_FEATURE_COUNT } from './feature-names';
import { FeatureProfileName } from './feature-profile';
import { FrameAnalyser, FrameRecords } from './frame-record';
import { extendedWindowStatistics, EXTENDED_ADDED_LENGTH } from './extended-profile';
import { FRAME_LENGTH, FRAME_STEP, SAMPLE_RATE, frameCount } from './pyaudioanalysis-constants';
import { DEFAULT_VOICE_ACTIVITY, isSpeechFrame, VoiceActivityOptions } from './voice-activity';
import { WINDOW_NORMALISATION_BLOCK, WindowNormalisation } from './window-normalisation';
import { WindowScratch } from './window-scratch';
import type { SimdPcmChunk } from './pcm-chunk-simd';
// The shipped model's training recipe trims whole clips with this rule; speech-only windows apply it per window.
import { onFeatureFrameGrid, speechSpanOfEnergies, speechSpanOnFrameGrid, TRIM_FRAME } from './front-end/speech-trimming';

export interface FeatureWindowOptions {
  profile: FeatureProfileName;
  /** analysis window, seconds (default 3) */
  windowSeconds: number;
  /** step between window starts, seconds, rounded to a multiple of 10 ms (default 1) */
  hopSeconds: number;
  /**
   * on the end of a stream, emit a last window if it is at least this long, seconds (default 1; 0 = never): the
   * stream's last windowSeconds (end-aligned) once it is a window long, else the whole stream
   */
  minFinalSeconds: number;
  /** a window is voiced when at least this share of its frames is speech (default 0.2) */
  minSpeechRatio: number;
  voiceActivity: VoiceActivityOptions;
  /**
   * Cut each window's silent edges (the speech-trimming rule the shipped model was trained with)
   * before its vector is computed, so a window that is half silence looks like the speech-only
   * clips the model learnt from. Default true (the feature-window node's default); with false a
   * window's vector is exactly its samples'.
   */
  trimSilence: boolean;
  /**
   * Spread many streams' windows over the hop (FeatureWindowRegistry): once a registry holds STAGGER_FROM_STREAMS
   * streams, each new one's windows start at the phase of the hop (a multiple of 50 ms) fewest of its streams use,
   * so that streams started together (a deploy, a restart) do not all complete a window in the same chunk, every
   * hop. Such a stream's first window comes up to a hop later; the audio before its start is in no window.
   * Default false (every stream's windows start at its first sample); the feature-window node's default true.
   */
  staggerStreams: boolean;
}

/** Samples between window starts: the hop rounded to the 10 ms frame grid, at least one frame step. */
export function hopSamplesOf(options: Pick<FeatureWindowOptions, 'hopSeconds'>): number {
  return Math.max(1, Math.round((options.hopSeconds * SAMPLE_RATE) / FRAME_STEP)) * FRAME_STEP;
}

/** A registry's first streams keep their windows at their first sample: so few windows at once cost little. */
export const STAGGER_FROM_STREAMS = 16;

/**
 * Where a stream's windows may start: multiples of 50 ms (800 samples), on both the 10 ms grid of the feature
 * frames and the 25 ms grid of the speech-trimming frames.
 */
export const WINDOW_PHASE_STEP = 800;

export const DEFAULT_FEATURE_WINDOW_OPTIONS: FeatureWindowOptions = {
  profile: 'paper',
  windowSeconds: 3,
  hopSeconds: 1,
  minFinalSeconds: 1,
  minSpeechRatio: 0.2,
  voiceActivity: DEFAULT_VOICE_ACTIVITY,
  trimSilence: true,
  staggerStreams: false,
};

/** One analysis window's vector: a FeatureWindowPayload plus where it lies in the stream. */
export interface FeatureWindow {
  streamId: string;
  profile: FeatureProfileName;
  vector: number[];
  /** ms since epoch of the window's first and last sample */
  start: number;
  end: number;
  speechRatio: number;
  voiced: boolean;
  /** window number in the stream, from 0 */
  seq: number;
  /** sample offsets in the stream (16 kHz) of the window: [startSample, endSample) */
  startSample: number;
  endSample: number;
  /**
   * true for the last window flushed at the end of a stream: once the stream is a window long, its last
   * windowSeconds (end-aligned, starting on the 10 ms frame grid, so up to 159 samples shorter); else the whole stream
   */
  partial?: boolean;
  /** with trimSilence: true when silent edges were cut, and the stretch [speechStart, speechEnd) ms the vector describes */
  trimmed?: boolean;
  speechStart?: number;
  speechEnd?: number;
}

/** Checks and completes options; throws a RangeError that says what is wrong. */
export function resolveFeatureWindowOptions(partial: Partial<FeatureWindowOptions> = {}): FeatureWindowOptions {
  const o: FeatureWindowOptions = {
    ...DEFAULT_FEATURE_WINDOW_OPTIONS,
    ...partial,
    voiceActivity: { ...DEFAULT_VOICE_ACTIVITY, ...(partial.voiceActivity ?? {}) },
  };
  if (o.profile !== 'paper' && o.profile !== 'extended') throw new RangeError(`unknown feature profile "${o.profile}"`);
  if (typeof o.trimSilence !== 'boolean') throw new RangeError(`trimSilence must be true or false, got ${String(o.trimSilence)}`);
  if (typeof o.staggerStreams !== 'boolean') throw new RangeError(`staggerStreams must be true or false, got ${String(o.staggerStreams)}`);
  const finite = (name: string, v: number, min: number, max: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      throw new RangeError(`${name} must be a number from ${min} to ${max}, got ${String(v)}`);
    }
  };
  finite('windowSeconds', o.windowSeconds, FRAME_LENGTH / SAMPLE_RATE, 60);
  finite('hopSeconds', o.hopSeconds, FRAME_STEP / SAMPLE_RATE, 60);
  finite('minFinalSeconds', o.minFinalSeconds, 0, 60);
  finite('minSpeechRatio', o.minSpeechRatio, 0, 1);
  finite('voiceActivity.thresholdDb', o.voiceActivity.thresholdDb, -200, 0);
  finite('voiceActivity.minSpeechBandRatio', o.voiceActivity.minSpeechBandRatio, 0, 1);
  return o;
}

/**
 * The windows of one audio stream (16 kHz mono samples in [-1, 1], or 16-bit PCM as an Int16Array).
 *
 * Each window is treated as the toolkit treats a clip: its vector equals the paper features of
 * exactly its samples. Frames start every 10 ms from the stream's start and the hop is a multiple
 * of 10 ms, so a frame belongs to several overlapping windows; its record (frame-record.ts) is
 * computed once and each window only applies its own mean and scale. A speech-only window is cut
 * on the same 10 ms grid, so it is computed from the same records with its stretch's mean and scale.
 *
 * Memory is bounded: the audio kept is one window (plus less than one hop when the hop is longer
 * than the window), the frame records one window's frames; both grow as audio comes, so a stream
 * that has sent little holds little. The audio and the records slide: the oldest audio is dropped
 * (on the 10 ms grid) only when new audio needs its room, not a hop at each window, so at the end of
 * the stream its last window's worth is still there for the end-aligned last window (end()). Audio on the 16-bit grid (nearly all of it) is kept as Int16;
 * a float copy is kept only while the window holds samples off that grid. Work arrays, including
 * the float view of the audio the analysis reads, are in a WindowScratch shared by a registry's streams.
 */
/**
 * A stream's objects and small arrays besides those counted by name: heap growth over 1,000 streams past their
 * first 3 s window, after gc, was 2.26-2.60 KB a stream (the 38 bytes of speech flags included): scripts/measure-stream-memory.ts.
 */
const FIXED_STREAM_BYTES = 2560;
const PCM_SCALE = 1 / 32768;

export class FeatureWindowStream {
  readonly options: FeatureWindowOptions;
  private readonly windowSamples: number;
  private readonly hopSamples: number;
  private readonly framesPerWindow: number;
  /**
   * audio from `bufferStart` (stream sample index) on, as 16-bit PCM in a ring: buffer index i at pcmIndex(i). A ring,
   * so that dropping the oldest audio moves no samples (moving ~88 KB a chunk was 3-4% of the feature threads' CPU);
   * grows up to windowSamples
   */
  private pcm = new Int16Array(0);
  private pcmStart = 0;
  /** the same audio as floats, only while some of it is off the 16-bit grid (then `pcm` is unused) */
  private floatAudio: Float32Array | undefined;
  private bufferStart = 0;
  private bufferLength = 0;
  /** stream sample index of the next full window's start (a multiple of the hop) */
  private nextWindowStart = 0;
  /** buffer index after the last sample known to be off the 16-bit grid (multiples of 1/32768) */
  private offGridEnd = 0;
  /** frame records in a ring by frame index */
  private readonly records: FrameRecords;
  private readonly recordSlots: number;
  private nextFrame = 0;
  /** whether the frame in record slot s is speech: bit s % 8 of [s >> 3] */
  private readonly speech: Uint8Array;
  /**
   * With trimSilence, when windows start on the 400-sample grid of the trimming frames (hops of
   * whole 25 ms): the mean energy of trimming frame t (stream samples [400 t, 400 t + 400)) at
   * [t % length], computed once as the audio arrives instead of once in each window it lies in.
   */
  private readonly trimEnergies: Float64Array | undefined;
  /** stream sample index up to which trimEnergies are computed */
  private trimEnergiesEnd = 0;
  private readonly analyser: FrameAnalyser;
  private readonly normalisation: WindowNormalisation;
  private windowSeq = 0;
  /** where the window being emitted lies in the buffer, and its audio as floats once windowAudio() converted it */
  private emittedOffset = 0;
  private emittedLength = 0;
  private emittedAudio: Float32Array | undefined;
  private timeAnchor = { sample: 0, timestamp: 0 };
  private totalSamples = 0;
  private ended = false;

  /**
   * `firstWindowStart`: the stream sample at which its first window starts (a multiple of WINDOW_PHASE_STEP below the
   * hop; see staggerStreams); the samples before it are in no window.
   */
  constructor(
    readonly streamId: string,
    options: Partial<FeatureWindowOptions> = {},
    private readonly scratch: WindowScratch = new WindowScratch(),
    readonly firstWindowStart = 0,
  ) {
    this.options = resolveFeatureWindowOptions(options);
    this.windowSamples = Math.round(this.options.windowSeconds * SAMPLE_RATE);
    this.hopSamples = hopSamplesOf(this.options);
    this.framesPerWindow = frameCount(this.windowSamples);
    this.normalisation = new WindowNormalisation(this.windowSamples);
    // a window's frames and, past its last, the two slots its last frame's blocks reach into
    this.recordSlots = this.framesPerWindow + 2;
    this.records = new FrameRecords(0, this.recordSlots);
    this.speech = new Uint8Array(Math.ceil(this.recordSlots / 8));
    if (this.options.trimSilence && this.hopSamples % TRIM_FRAME === 0) {
      this.trimEnergies = new Float64Array(Math.floor(this.windowSamples / TRIM_FRAME) + 1);
    }
    this.analyser = new FrameAnalyser(scratch.frameAnalysis);
    if (!Number.isInteger(firstWindowStart / WINDOW_PHASE_STEP) || firstWindowStart < 0) {
      throw new RangeError(`firstWindowStart must be a multiple of ${WINDOW_PHASE_STEP} samples, got ${String(firstWindowStart)}`);
    }
    if (firstWindowStart > 0 && firstWindowStart >= this.hopSamples) {
      throw new RangeError(`firstWindowStart (${firstWindowStart} samples) must be less than the hop (${this.hopSamples})`);
    }
    this.nextWindowStart = firstWindowStart;
    this.bufferStart = firstWindowStart;
    this.forgetBeforeBuffer();
  }

  /** Bytes held by this stream's state (for status and limits); the shared scratch is not counted. */
  get footprintBytes(): number {
    return (
      this.pcm.byteLength +
      (this.floatAudio?.byteLength ?? 0) +
      this.normalisation.byteLength +
      this.records.byteLength +
      this.speech.byteLength +
      (this.trimEnergies?.byteLength ?? 0) +
      this.analyser.byteLength +
      FIXED_STREAM_BYTES
    );
  }

  /** Samples still to come before the stream's next full window completes (then every hop's worth). */
  get samplesBeforeNextWindow(): number {
    return this.nextWindowStart + this.windowSamples - this.totalSamples;
  }

  /** Shortcut fallbacks taken so far (see WindowFeatureComputer), by all streams sharing this one's scratch. */
  get fallbacks() {
    return this.scratch.computer.fallbacks;
  }

  /**
   * Adds samples (16 kHz mono: floats in [-1, 1], or an Int16Array of 16-bit PCM, value / 32768)
   * whose first sample was recorded at `timestamp` (ms since epoch; default: continues the
   * previous chunk) and returns the windows they complete.
   */
  push(samples: Float32Array | Int16Array | ArrayLike<number>, timestamp?: number): FeatureWindow[] {
    if (this.ended) throw new Error(`stream "${this.streamId}" has ended`);
    if (timestamp !== undefined && Number.isFinite(timestamp)) {
      this.timeAnchor = { sample: this.totalSamples, timestamp };
    }
    const windows: FeatureWindow[] = [];
    let offset = 0;
    while (offset < samples.length) {
      const streamIndex = this.totalSamples;
      if (streamIndex < this.bufferStart) {
        // the hop is longer than the window: skip audio between windows
        const skip = Math.min(this.bufferStart - streamIndex, samples.length - offset);
        offset += skip;
        this.totalSamples += skip;
        continue;
      }
      const windowEnd = this.nextWindowStart + this.windowSamples;
      const take = Math.min(windowEnd - streamIndex, samples.length - offset);
      this.makeRoom(samples, offset, take);
      const audio = this.copyIn(samples, offset, take);
      this.bufferLength += take;
      this.totalSamples += take;
      offset += take;
      this.analyseAvailableFrames(audio);
      if (this.totalSamples === windowEnd) {
        windows.push(this.emit(this.nextWindowStart - this.bufferStart, this.windowSamples, false));
        this.advance();
      }
    }
    return windows;
  }

  /**
   * Ends the stream: returns its last window (partial: true) if it holds audio past the last full window and is
   * long enough (minFinalSeconds). Once the stream is a window long, that is its last windowSeconds, its start
   * rounded up to the 10 ms frame grid so that its frames are the stream's last ones, already analysed; a
   * shorter stream gives all of itself. With a hop longer than the window, the audio between windows is not
   * kept: the last window is then what came after the last window's hop.
   */
  end(): FeatureWindow[] {
    if (this.ended) return [];
    this.ended = true;
    const min = Math.max(this.options.minFinalSeconds * SAMPLE_RATE, FRAME_LENGTH);
    if (this.options.minFinalSeconds <= 0) return [];
    const window = this.windowSamples;
    if (this.hopSamples < window && this.totalSamples >= this.firstWindowStart + window) {
      const lastWindowEnd = this.nextWindowStart - this.hopSamples + window;
      if (this.totalSamples === lastWindowEnd) return [];
      const start = Math.ceil((this.totalSamples - window) / FRAME_STEP) * FRAME_STEP;
      const length = this.totalSamples - start;
      return length >= min ? [this.emit(start - this.bufferStart, length, true)] : [];
    }
    const hasNewAudio = this.windowSeq === 0 || this.bufferLength > window - this.hopSamples;
    if (this.bufferLength >= min && hasNewAudio) return [this.emit(0, this.bufferLength, true)];
    return [];
  }

  /**
   * samples[offset .. offset+take) into the buffer after its content, summarised for the window
   * normalisation; throws on a non-finite sample, leaving the buffer's content as it was. Returns
   * the buffer as floats, valid from the first sample the frame analysis still needs to the end.
   */
  private copyIn(samples: Float32Array | Int16Array | ArrayLike<number>, offset: number, take: number): Float32Array {
    const to = this.bufferLength;
    const length = to + take;
    this.reserve(length);
    const wasPcm = this.floatAudio === undefined;
    const isPcm = samples instanceof Int16Array;
    let floatFrom = to;
    if (wasPcm) {
      const pcm = this.pcm;
      if (isPcm) this.writePcm(samples.subarray(offset, offset + take), to);
      else {
        for (let i = 0; i < take; i++) {
          const steps = (samples[offset + i] as number) * 32768;
          if (steps >= -32768 && steps <= 32767 && steps === Math.round(steps)) pcm[this.pcmIndex(to + i)] = steps;
          else {
            floatFrom = to + i;
            this.switchToFloat(floatFrom);
            break;
          }
        }
      }
    }
    const floatAudio = this.floatAudio;
    if (floatAudio === undefined) {
      // 16-bit samples are finite and on the grid: nothing to check
      const audio = this.floatView(
        Math.min(
          to,
          this.normalisation.summarisedLength,
          // the previous frame too: the analyser computes it again if another stream used the scratch since
          this.nextFrameLocalStart() - FRAME_STEP,
          this.trimEnergies === undefined ? to : this.trimEnergiesEnd - this.bufferStart,
        ),
        length,
      );
      const kernel = this.scratch.pcmChunk;
      if (
        kernel === null ||
        !this.normalisation.updateFromPcm(length, (from, count, sums, mins, maxs, at) =>
          kernel.blockSummaries(this.pcm, this.pcmIndex(from), count, sums, mins, maxs, at),
        )
      ) {
        this.normalisation.update(audio, length);
      }
      if (kernel !== null) this.updateTrimEnergiesFromPcm(kernel, length);
      else this.updateTrimEnergies(audio, length);
      return audio;
    }
    for (let i = floatFrom; i < length; i++) {
      const v = samples[offset + i - to];
      floatAudio[i] = typeof v !== 'number' ? NaN : isPcm ? v * PCM_SCALE : v;
    }
    // the summaries check whole blocks (by their sums); the samples after the last whole block are checked here
    let finite = this.normalisation.update(floatAudio, length);
    if (finite) {
      let tail = 0;
      for (let i = Math.max(to, this.normalisation.summarisedLength); i < length; i++) tail += floatAudio[i];
      finite = Number.isFinite(tail);
    }
    if (!finite) {
      this.normalisation.truncate(to);
      let i = to;
      while (Number.isFinite(floatAudio[i])) i++;
      if (wasPcm) this.floatAudio = undefined;
      throw new RangeError(`sample ${offset + i - to} of the chunk is not a finite number`);
    }
    for (let i = to; i < length; i++) {
      // off the grid, or on it but beyond the 16-bit range (1.0)
      const steps = floatAudio[i] * 32768;
      if (steps !== Math.round(steps) || steps > 32767 || steps < -32768) {
        this.offGridEnd = length;
        break;
      }
    }
    this.updateTrimEnergies(floatAudio, length);
    return floatAudio;
  }

  /** updateTrimEnergies from the 16-bit samples, by the kernel (the same sums: they are exact). */
  private updateTrimEnergiesFromPcm(kernel: SimdPcmChunk, length: number): void {
    const ring = this.trimEnergies;
    if (ring === undefined) return;
    const local = this.trimEnergiesEnd - this.bufferStart;
    const count = Math.max(0, Math.floor((length - local) / TRIM_FRAME));
    if (count === 0) return;
    const squares = this.scratch.frameSquares(count);
    kernel.frameSquares(this.pcm, this.pcmIndex(local), count, squares);
    for (let f = 0; f < count; f++) {
      ring[(this.trimEnergiesEnd / TRIM_FRAME) % ring.length] = squares[f] / TRIM_FRAME;
      this.trimEnergiesEnd += TRIM_FRAME;
    }
  }

  /** The trimming frames' energies (trimEnergies) of the buffer audio[0 .. length) not yet computed. */
  private updateTrimEnergies(audio: Float32Array, length: number): void {
    const ring = this.trimEnergies;
    if (ring === undefined) return;
    // Each frame summed sample by sample as frameEnergies sums it, so the stretch is the one speechSpan finds from the
    // samples; two frames at a time, whose sums the CPU then runs side by side (5.8-6.6 against 10.4-11.4 us a
    // 250 ms chunk, measured alone).
    let local = this.trimEnergiesEnd - this.bufferStart;
    for (; local + 2 * TRIM_FRAME <= length; local += 2 * TRIM_FRAME) {
      let e = 0;
      let f = 0;
      for (let i = local; i < local + TRIM_FRAME; i++) {
        const a = audio[i];
        const b = audio[i + TRIM_FRAME];
        e += a * a;
        f += b * b;
      }
      ring[(this.trimEnergiesEnd / TRIM_FRAME) % ring.length] = e / TRIM_FRAME;
      this.trimEnergiesEnd += TRIM_FRAME;
      ring[(this.trimEnergiesEnd / TRIM_FRAME) % ring.length] = f / TRIM_FRAME;
      this.trimEnergiesEnd += TRIM_FRAME;
    }
    if (local + TRIM_FRAME <= length) {
      let e = 0;
      for (let i = local; i < local + TRIM_FRAME; i++) e += audio[i] * audio[i];
      ring[(this.trimEnergiesEnd / TRIM_FRAME) % ring.length] = e / TRIM_FRAME;
      this.trimEnergiesEnd += TRIM_FRAME;
    }
  }

  /** Keeps the audio as floats from now on: the PCM of buffer indices [0 .. copied) is converted. */
  private switchToFloat(copied: number): void {
    const floatAudio = new Float32Array(this.pcm.length);
    const pcm = this.pcm;
    for (let i = 0; i < copied; i++) floatAudio[i] = pcm[this.pcmIndex(i)] * PCM_SCALE;
    this.floatAudio = floatAudio;
  }

  /** Where buffer index i (below the ring's length) lies in the PCM ring. */
  private pcmIndex(i: number): number {
    const j = this.pcmStart + i;
    return j >= this.pcm.length ? j - this.pcm.length : j;
  }

  /** Writes samples at buffer index `at` on into the PCM ring (they fit: the buffer holds at most its length). */
  private writePcm(samples: Int16Array, at: number): void {
    const pcm = this.pcm;
    const j = this.pcmIndex(at);
    const first = Math.min(samples.length, pcm.length - j);
    pcm.set(first === samples.length ? samples : samples.subarray(0, first), j);
    if (first < samples.length) pcm.set(samples.subarray(first), 0);
  }

  /** The PCM ring's buffer indices [0 .. bufferLength) into `to` from its start, in order. */
  private copyPcmInOrder(to: Int16Array): void {
    const pcm = this.pcm;
    const first = Math.min(this.bufferLength, pcm.length - this.pcmStart);
    to.set(pcm.subarray(this.pcmStart, this.pcmStart + first));
    if (first < this.bufferLength) to.set(pcm.subarray(0, this.bufferLength - first), first);
  }

  /** The buffer as floats, valid at [from, to): the float copy, or the shared scratch filled from the PCM. */
  private floatView(from: number, to: number): Float32Array {
    if (this.floatAudio !== undefined) return this.floatAudio;
    const view = this.scratch.audio(this.windowSamples);
    const pcm = this.pcm;
    const start = Math.max(0, from);
    if (start >= to) return view;
    const kernel = this.scratch.pcmChunk;
    if (kernel !== null) {
      kernel.toFloats(pcm, this.pcmIndex(start), to - start, view, start);
      return view;
    }
    // two runs: up to the ring's end, then from its start
    const j = this.pcmIndex(start);
    const wrap = Math.min(to, start + pcm.length - j);
    for (let i = start, k = j; i < wrap; i++, k++) view[i] = pcm[k] * PCM_SCALE;
    for (let i = wrap, k = 0; i < to; i++, k++) view[i] = pcm[k] * PCM_SCALE;
    return view;
  }

  private nextFrameLocalStart(): number {
    return this.nextFrame * FRAME_STEP - this.bufferStart;
  }

  private analyseAvailableFrames(audio: Float32Array): void {
    for (;;) {
      const local = this.nextFrameLocalStart();
      if (local + FRAME_LENGTH > this.bufferLength) return;
      if (local < 0) throw new Error('feature window stream: frame before the buffer');
      const slot = this.nextFrame % this.recordSlots;
      this.records.ensureSlots(slot + 1);
      // 16-bit samples about a pivot on their grid: none nearer than one step (no need to measure it)
      this.analyser.zcrReach = local >= this.offGridEnd ? 1 / 32768 : NaN;
      this.analyser.analyse(audio, local, this.records, slot);
      if (isSpeechFrame(this.analyser.energies, this.options.voiceActivity)) this.speech[slot >> 3] |= 1 << (slot & 7);
      else this.speech[slot >> 3] &= ~(1 << (slot & 7));
      this.nextFrame++;
    }
  }

  /** The window of `length` samples from buffer index `offset` (on the 10 ms grid). */
  private emit(offset: number, length: number, partial: boolean): FeatureWindow {
    this.emittedOffset = offset;
    this.emittedLength = length;
    this.emittedAudio = undefined;
    const span = this.options.trimSilence ? this.silenceTrim(length) : undefined;
    const vector = span ? this.windowVector(offset + span.start, offset + span.end) : this.windowVector(offset, offset + length);
    this.emittedAudio = undefined;
    const startSample = this.bufferStart + offset;
    const numFrames = frameCount(length);
    const firstFrame = startSample / FRAME_STEP;
    const slots = this.recordSlots;
    let speechFrames = 0;
    for (let j = 0; j < numFrames; j++) {
      const slot = (firstFrame + j) % slots;
      speechFrames += (this.speech[slot >> 3] >> (slot & 7)) & 1;
    }
    const speechRatio = numFrames > 0 ? speechFrames / numFrames : 0;
    return {
      streamId: this.streamId,
      profile: this.options.profile,
      vector,
      start: this.timeOf(startSample),
      end: this.timeOf(startSample + length - 1),
      speechRatio,
      voiced: speechRatio >= this.options.minSpeechRatio && speechFrames > 0,
      seq: this.windowSeq++,
      startSample,
      endSample: startSample + length,
      ...(partial ? { partial: true } : {}),
      ...(span
        ? {
            trimmed: true,
            speechStart: this.timeOf(startSample + span.start),
            speechEnd: this.timeOf(startSample + span.end - 1),
          }
        : {}),
    };
  }

  /**
   * The stretch of the window being emitted left after cutting its silent edges (from the window's start),
   * its start on the 10 ms frame grid (speechSpanOnFrameGrid), or undefined when nothing is cut.
   */
  private silenceTrim(length: number): { start: number; end: number } | undefined {
    const { start, end } = this.speechSpan(length);
    if ((start === 0 && end === length) || end - start < FRAME_LENGTH) return undefined;
    return { start, end };
  }

  /**
   * speechSpanOnFrameGrid of the window's first `length` samples, from trimEnergies when they hold its frames
   * (always for the windows on the hop grid; for an end-aligned last window when it starts on their grid).
   */
  private speechSpan(length: number): { start: number; end: number } {
    const ring = this.trimEnergies;
    const count = Math.floor(length / TRIM_FRAME);
    const start = this.bufferStart + this.emittedOffset;
    if (ring === undefined || start % TRIM_FRAME !== 0 || this.trimEnergiesEnd < start + count * TRIM_FRAME) {
      return speechSpanOnFrameGrid(this.windowAudio().subarray(this.emittedOffset, this.emittedOffset + length));
    }
    const energies = this.scratch.trimEnergies(count);
    const first = start / TRIM_FRAME;
    for (let t = 0; t < count; t++) energies[t] = ring[(first + t) % ring.length];
    return onFeatureFrameGrid(speechSpanOfEnergies(energies, length));
  }

  /**
   * The vector of the buffer's audio[from .. to) (from on the frame grid) from the frame records: only its own
   * mean and scale are applied.
   */
  private windowVector(from: number, to: number): number[] {
    const numFrames = frameCount(to - from);
    const firstFrame = (this.bufferStart + from) / FRAME_STEP;
    // the normalisation reads only the samples after the last whole summarised block
    const tail = this.floatView(Math.max(from, to - (to % WINDOW_NORMALISATION_BLOCK)), to);
    const { mean, scale } = this.normalisation.of(tail, from, to);
    const slots = this.recordSlots;
    const matrix = this.scratch.featureMatrix(numFrames);
    this.scratch.computer.compute(
      {
        records: this.records,
        slot: (j) => (firstFrame + j) % slots,
        samples: (j) => this.frameAudio(from + j * FRAME_STEP),
        sampleOffset: (j) => from + j * FRAME_STEP,
        numFrames,
      },
      mean,
      scale,
      matrix,
      numFrames,
    );
    // 16-bit audio lies on a 1/32768 grid and successive windows' means are mostly within a step
    // of each other: the frames to come count zero crossings about the grid value nearest this mean
    // (zcrReach above relies on the pivot being on the grid)
    this.analyser.zcrPivot = Math.round(mean * 32768) / 32768;
    const vector: number[] = new Array(2 * PAPER_FEATURE_COUNT);
    for (let i = 0; i < PAPER_FEATURE_COUNT; i++) {
      const { mean: m, std } = meanAndStd(matrix, i * numFrames, (i + 1) * numFrames);
      vector[i] = m;
      vector[PAPER_FEATURE_COUNT + i] = std;
    }
    if (this.options.profile === 'extended') {
      const added = extendedWindowStatistics(this.windowAudio().subarray(from, to));
      if (added.length !== EXTENDED_ADDED_LENGTH) throw new Error('extended statistics of unexpected length');
      for (const v of added) vector.push(v);
    }
    return vector;
  }

  /**
   * The buffer as floats, valid over the window being emitted, converted from the 16-bit audio on
   * first use: most windows need only their frame records, not their samples.
   */
  private windowAudio(): Float32Array {
    if (this.emittedAudio === undefined) {
      this.emittedAudio = this.floatView(this.emittedOffset, this.emittedOffset + this.emittedLength);
    }
    return this.emittedAudio;
  }

  /**
   * The buffer as floats, valid at least over the frame from buffer index `start`. A window's fallbacks to the
   * samples touch a few of its frames (rolloff in ~5% of a window's frames): converting those frames alone, not
   * the whole window's 48,000 samples, took 5% off a feature thread's CPU and 9% off the chunks that complete a
   * window (scripts/bench/feature-thread-cpu-ab.ts, median of 31 alternated rounds).
   */
  private frameAudio(start: number): Float32Array {
    return this.emittedAudio ?? this.floatView(start, start + FRAME_LENGTH);
  }

  /** Grows the buffer to hold at least `length` samples (doubling, at most a window). */
  private reserve(length: number): void {
    const capacity = this.floatAudio?.length ?? this.pcm.length;
    if (length <= capacity) return;
    const grown = Math.min(this.windowSamples, Math.max(length, 2 * capacity));
    if (this.floatAudio !== undefined) {
      const floatAudio = new Float32Array(grown);
      floatAudio.set(this.floatAudio.subarray(0, this.bufferLength));
      this.floatAudio = floatAudio;
      this.pcm = new Int16Array(0);
    } else {
      const pcm = new Int16Array(grown);
      this.copyPcmInOrder(pcm);
      this.pcm = pcm;
    }
    this.pcmStart = 0;
  }

  /**
   * Past a window: the next starts a hop later. Its audio is not dropped here but by makeRoom, as new audio
   * needs the room: that keeps the stream's last window's worth of audio (and frame records, their ring
   * being a window long) for end() without a second buffer, at the cost of moving the buffer's audio once per
   * chunk instead of once per hop.
   */
  private advance(): void {
    const hop = this.hopSamples;
    this.nextWindowStart += hop;
    if (hop < this.windowSamples) return;
    // the hop is longer than the window: nothing before the next window is kept
    this.bufferLength = 0;
    this.offGridEnd = 0;
    this.analyser.resetRun();
    if (this.floatAudio !== undefined) this.switchToPcm();
    this.normalisation.shift(0, 0);
    this.bufferStart = this.nextWindowStart;
    this.forgetBeforeBuffer();
  }

  /**
   * Drops the oldest audio, on the 10 ms grid, so that samples[offset .. offset+take) fit in one window's room.
   * Float samples are checked first: a refused chunk leaves the audio end() needs.
   */
  private makeRoom(samples: Float32Array | Int16Array | ArrayLike<number>, offset: number, take: number): void {
    const excess = this.bufferLength + take - this.windowSamples;
    if (excess <= 0) return;
    if (!(samples instanceof Int16Array)) {
      for (let i = offset; i < offset + take; i++) {
        const v = samples[i];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`sample ${i} of the chunk is not a finite number`);
      }
    }
    // never past the next window's start (on the grid, at most a window before the audio's end)
    const drop = Math.ceil(excess / FRAME_STEP) * FRAME_STEP;
    const previousFrame = this.nextFrameLocalStart() - FRAME_STEP;
    if (drop > previousFrame && this.analyser.continuesRun) {
      // the run's last frame leaves the buffer: the analyser takes what it carries from it first, and keeps a copy
      // when the next frame does not come with this audio (windows under ~0.07 s), as another stream may take the scratch
      this.analyser.hold(this.floatView(previousFrame, previousFrame + FRAME_LENGTH), previousFrame + FRAME_STEP);
      if (previousFrame + FRAME_STEP + FRAME_LENGTH > this.bufferLength + take) this.analyser.park();
    }
    if (this.floatAudio !== undefined) this.floatAudio.copyWithin(0, drop, this.bufferLength);
    else this.pcmStart = this.pcmIndex(drop);
    this.bufferLength -= drop;
    this.offGridEnd = Math.max(0, this.offGridEnd - drop);
    if (this.floatAudio !== undefined && this.offGridEnd === 0) this.switchToPcm();
    this.normalisation.shift(drop, this.bufferLength);
    this.bufferStart += drop;
    this.forgetBeforeBuffer();
  }

  /** Frames and trimming frames that start before the buffer are never analysed. */
  private forgetBeforeBuffer(): void {
    if (this.trimEnergiesEnd < this.bufferStart) this.trimEnergiesEnd = Math.ceil(this.bufferStart / TRIM_FRAME) * TRIM_FRAME;
    if (this.nextFrame * FRAME_STEP < this.bufferStart) {
      this.nextFrame = this.bufferStart / FRAME_STEP;
      this.analyser.resetRun();
    }
  }

  /** Back to 16-bit storage: every sample the buffer holds is on the grid again. */
  private switchToPcm(): void {
    const floatAudio = this.floatAudio!;
    const pcm = new Int16Array(floatAudio.length);
    for (let i = 0; i < this.bufferLength; i++) pcm[i] = floatAudio[i] * 32768;
    this.pcm = pcm;
    this.pcmStart = 0;
    this.floatAudio = undefined;
  }

  private timeOf(sample: number): number {
    return this.timeAnchor.timestamp + ((sample - this.timeAnchor.sample) * 1000) / SAMPLE_RATE;
  }
}
