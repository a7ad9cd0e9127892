import { Observable, Subject, type Subscription } from 'rxjs';
import type { AudioChunk } from './audio-chunk';
import { type CaptureCommand, CaptureProcess } from './capture-process';
import { playAudioFiles } from './file-playback';

/** What a file or capture source reports; the node turns these into messages and status. */
export type AudioSourceEvent =
  | { kind: 'chunk'; chunk: AudioChunk & { file?: string } }
  | { kind: 'playing'; file: string }
  | { kind: 'starting' }
  | { kind: 'finished' }
  | { kind: 'stopped' }
  | { kind: 'failed'; error: Error }
  | { kind: 'file-skipped'; file: string; error: Error };

export interface AudioSourceControllerOptions {
  streamId: string;
  chunkSamples: number;
  realtime: boolean;
  loop: boolean;
  capture: CaptureCommand;
}

/**
 * One file player or capture process at a time, started and stopped on request: starting again
 * stops the running one first. Everything it does comes out as `events`.
 */
export class AudioSourceController {
  private readonly subject = new Subject<AudioSourceEvent>();
  readonly events: Observable<AudioSourceEvent> = this.subject.asObservable();
  private playback: Subscription | undefined;
  private capture: CaptureProcess | undefined;

  constructor(private readonly options: AudioSourceControllerOptions) {}

  /** Plays a WAV file or a folder of them (already resolved to an absolute path). */
  playFiles(path: string): void {
    void this.stop();
    let current = '';
    this.subject.next({ kind: 'playing', file: path });
    this.playback = playAudioFiles({
      path,
      streamId: this.options.streamId,
      chunkSamples: this.options.chunkSamples,
      realtime: this.options.realtime,
      loop: this.options.loop,
      onFileError: (file, error) => this.subject.next({ kind: 'file-skipped', file, error }),
    }).subscribe({
      next: (chunk) => {
        if (chunk.file !== current) {
          current = chunk.file;
          this.subject.next({ kind: 'playing', file: current });
        }
        this.subject.next({ kind: 'chunk', chunk });
      },
      error: (error: Error) => {
        this.playback = undefined;
        this.subject.next({ kind: 'failed', error });
      },
      complete: () => {
        this.playback = undefined;
        this.subject.next({ kind: 'finished' });
      },
    });
  }

  /** Runs the capture command (throws at once if its PCM format is invalid). */
  startCapture(): void {
    void this.stop();
    const source = new CaptureProcess(this.options.capture, this.options.streamId, this.options.chunkSamples);
    this.capture = source;
    source.chunks.subscribe({
      next: (chunk) => this.subject.next({ kind: 'chunk', chunk }),
      error: (error: Error) => {
        if (this.capture === source) this.capture = undefined;
        this.subject.next({ kind: 'failed', error });
      },
      complete: () => {
        if (this.capture === source) this.capture = undefined;
        this.subject.next({ kind: 'stopped' });
      },
    });
    source.start();
    this.subject.next({ kind: 'starting' });
  }

  /** Stops whatever runs; resolves when a capture process has exited. */
  stop(): Promise<void> {
    this.playback?.unsubscribe();
    this.playback = undefined;
    const running = this.capture;
    this.capture = undefined;
    return running ? running.stop() : Promise.resolve();
  }

  /** Stops and ends `events`. */
  async dispose(): Promise<void> {
    await this.stop();
    this.subject.complete();
  }
}
