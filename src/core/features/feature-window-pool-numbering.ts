import type { FeatureWindow } from './feature-window-stream';

/**
 * A stream's window numbers (`seq`) and sample numbers (`startSample`, `endSample`) as its own, across the times the
 * pool restarts its state: after dropped audio (the stream starts afresh at the next chunk that runs) and after a move
 * to another thread (which holds nothing of it). A restarted FeatureWindowStream counts from 0 again; without this a
 * stream's seq went back to 0 and a router dropping repeated windows (by seq) dropped its windows after every restart.
 * Windows are renumbered as they are answered, in the stream's order.
 */
export class StreamNumbering {
  /** samples of every chunk the stream sent so far, dropped ones too */
  private samplesIn = 0;
  /** the seq of the stream's next window */
  private nextSeq = 0;
  private seqOffset = 0;
  private sampleOffset = 0;

  /** A chunk of `samples` arrived; returns the stream's number of its first sample. */
  arrived(samples: number): number {
    const first = this.samplesIn;
    this.samplesIn += samples;
    return first;
  }

  /**
   * Renumbers the windows of a chunk's answer (in place). `restartedAt`: the chunk restarted the stream's state, and
   * its first sample has this number.
   */
  renumber(windows: FeatureWindow[], restartedAt: number | undefined): void {
    if (restartedAt !== undefined) {
      this.seqOffset = this.nextSeq;
      this.sampleOffset = restartedAt;
    }
    for (const w of windows) {
      w.seq += this.seqOffset;
      w.startSample += this.sampleOffset;
      w.endSample += this.sampleOffset;
      this.nextSeq = w.seq + 1;
    }
  }
}
