/**
 * Where a chunk's samples wait for a feature thread: a slab (a SharedArrayBuffer the thread was given once), the
 * byte offset in it and the number of samples.
 */
export interface StagedSamples {
  slab: number;
  byteOffset: number;
  length: number;
  type: 'int16' | 'float32';
}

/** A chunk's samples as a request carries them: an array of its own, or staged in a slab. */
export type RequestSamples = Float32Array | Int16Array | StagedSamples;

export function isStaged(samples: RequestSamples): samples is StagedSamples {
  return !ArrayBuffer.isView(samples);
}

/** 32 chunks of 250 ms of 16-bit audio. */
export const SLAB_BYTES = 256 * 1024;
/** Slabs kept empty for the next chunks; more are given up (a burst of queued audio does not stay in memory). */
const MOST_EMPTY_SLABS = 4;

interface Slab {
  index: number;
  buffer: SharedArrayBuffer;
  int16: Int16Array;
  float32: Float32Array;
  /** bytes handed out since the slab was last empty (a multiple of 8) */
  used: number;
  /** chunks staged in it and not released yet */
  staged: number;
}

/**
 * Chunks' samples on their way to one worker thread, copied into shared slabs instead of an ArrayBuffer of their own
 * each: a new ArrayBuffer per 250 ms chunk (to transfer, since the caller's must not be detached) and its transfer
 * were ~8% of Node-RED's main thread at 1,000 streams (CPU profile of `npm run bench`), the copy of an 8 KB chunk into
 * a slab ~0.45 µs (see stage). The thread is given each slab once (`share`), and a request names the place.
 * A slab is written again only when every chunk in it was released (answered or dropped), so the thread never reads
 * audio that is being overwritten: the release follows the thread's answer, which follows its reading.
 */
export class SampleSlabs {
  private readonly slabs = new Map<number, Slab>();
  private current: Slab | undefined;
  private readonly empty: Slab[] = [];
  private nextIndex = 0;
  /** a JavaScript engine run without SharedArrayBuffer: chunks go the other way */
  private readonly available = typeof SharedArrayBuffer === 'function';

  constructor(
    private readonly share: (slab: number, buffer: SharedArrayBuffer | undefined) => void,
    private readonly slabBytes = SLAB_BYTES,
  ) {}

  /** The slabs the thread must have (for a thread started again). */
  shared(): Array<[number, SharedArrayBuffer]> {
    return [...this.slabs.values()].map((slab) => [slab.index, slab.buffer]);
  }

  /** Copies the samples into a slab; undefined when they are larger than one or there are no slabs (the caller sends them another way). */
  stage(samples: Float32Array | Int16Array): StagedSamples | undefined {
    // A place as far into an 8-byte word as the samples are in theirs: V8 copies into shared memory a word at a time
    // only when both sides agree, else byte by byte (an 8 KB chunk 3.2 µs against 0.45, measured); still aligned for
    // the samples' type, since theirs is.
    const skew = samples.byteOffset % 8;
    const bytes = skew + samples.byteLength;
    if (bytes > this.slabBytes || !this.available) return undefined;
    let slab = this.current;
    if (!slab || slab.used + bytes > this.slabBytes) {
      slab = this.empty.pop() ?? this.open();
      this.current = slab;
    }
    const byteOffset = slab.used + skew;
    const float = samples instanceof Float32Array;
    if (float) slab.float32.set(samples, byteOffset / 4);
    else slab.int16.set(samples, byteOffset / 2);
    slab.used = Math.ceil((byteOffset + samples.byteLength) / 8) * 8;
    slab.staged++;
    return { slab: slab.index, byteOffset, length: samples.length, type: float ? 'float32' : 'int16' };
  }

  /** The thread is done with these samples (or they will not go): their place can be written again. */
  release(staged: StagedSamples): void {
    const slab = this.slabs.get(staged.slab);
    if (!slab || --slab.staged > 0) return;
    slab.used = 0;
    if (slab === this.current) return;
    if (this.empty.length < MOST_EMPTY_SLABS) {
      this.empty.push(slab);
    } else {
      this.slabs.delete(slab.index);
      this.share(slab.index, undefined);
    }
  }

  private open(): Slab {
    const buffer = new SharedArrayBuffer(this.slabBytes);
    const slab: Slab = {
      index: this.nextIndex++,
      buffer,
      int16: new Int16Array(buffer),
      float32: new Float32Array(buffer),
      used: 0,
      staged: 0,
    };
    this.slabs.set(slab.index, slab);
    this.share(slab.index, buffer);
    return slab;
  }
}

/** The staged samples as an array over the slab (on the thread), or an error naming what is missing. */
export function stagedView(staged: StagedSamples, slabs: ReadonlyMap<number, SharedArrayBuffer>): Float32Array | Int16Array {
  const buffer = slabs.get(staged.slab);
  if (!buffer) throw new Error(`feature-window thread: samples in slab ${staged.slab}, which it was not given`);
  return staged.type === 'float32'
    ? new Float32Array(buffer, staged.byteOffset, staged.length)
    : new Int16Array(buffer, staged.byteOffset, staged.length);
}
