import { Observable, Subject, type Subscription } from 'rxjs';
import type { AudioChunk } from './audio-chunk';
import { type CaptureCommand, CaptureCommandMissing, CaptureProcess } from './capture-process';
import { playAudioFiles } from './file-playback';
import { RestartBackoff, type RestartBackoffOptions } from './restart-backoff';

/** What a file or capture source reports; the node turns these into messages and status. */
export type AudioSourceEvent =
  | { kind: 'chunk'; chunk: AudioChunk & { file?: string } }
  | { kind: 'playing'; file: string }
  /** a capture command was started; `restarts` is how many times it was restarted after failing */
  | { kind: 'starting'; restarts: number }
  /** the capture command runs but has sent no audio for `afterMs` */
  | { kind: 'no-audio'; afterMs: number }
  | { kind: 'finished' }
  | { kind: 'stopped' }
  /** the source failed; a capture command is started again in `restartInMs` unless that is undefined */
  | { kind: 'failed'; error: Error; restartInMs?: number }
  | { kind: 'file-skipped'; file: string; error: Error };

export interface AudioSourceControllerOptions {
  streamId: string;
  chunkSamples: number;
  realtime: boolean;
  loop: boolean;
  capture: CaptureCommand;
  /** how long a started recorder may stay silent before `no-audio` is reported (default 5 s) */
  noAudioMs?: number;
  restart?: RestartBackoffOptions;
}

const DEFAULT_NO_AUDIO_MS = 5000;

/**
 * One file player or capture process at a time, started and stopped on request: starting again
 * stops the running one first. A capture command that dies (killed, crashed, exited without audio)
 * is reported and started again after a back-off; one that runs but sends nothing is reported.
 * Everything it does comes out as `events`; nothing it runs from a timer or callback throws.
 */
export class AudioSourceController {
  private readonly subject = new Subject<AudioSourceEvent>();
  readonly events: Observable<AudioSourceEvent> = this.subject.asObservable();
  private playback: Subscription | undefined;
  private capture: { process: CaptureProcess; subscription: Subscription } | undefined;
  private readonly backoff: RestartBackoff;
  private restarts = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private noAudioTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(private readonly options: AudioSourceControllerOptions) {
    this.backoff = new RestartBackoff(options.restart);
  }

  /** The running capture command's process group id, if one runs. */
  get capturePid(): number | undefined {
    return this.capture?.process.pid;
  }

  /** Plays a WAV file or a folder of them (already resolved to an absolute path). */
  playFiles(path: string): void {
    void this.stop();
    let current = '';
    this.emit({ kind: 'playing', file: path });
    this.playback = playAudioFiles({
      path,
      streamId: this.options.streamId,
      chunkSamples: this.options.chunkSamples,
      realtime: this.options.realtime,
      loop: this.options.loop,
      onFileError: (file, error) => this.emit({ kind: 'file-skipped', file, error }),
    }).subscribe({
      next: (chunk) => {
        if (chunk.file !== current) {
          current = chunk.file;
          this.emit({ kind: 'playing', file: current });
        }
        this.emit({ kind: 'chunk', chunk });
      },
      error: (error: Error) => {
        this.playback = undefined;
        this.emit({ kind: 'failed', error });
      },
      complete: () => {
        this.playback = undefined;
        this.emit({ kind: 'finished' });
      },
    });
  }

  /** Runs the capture command (a start on request: the restart back-off starts afresh). */
  startCapture(): void {
    void this.stop();
    this.backoff.reset();
    this.restarts = 0;
    this.launchCapture();
  }

  private launchCapture(): void {
    let source: CaptureProcess;
    try {
      source = new CaptureProcess(this.options.capture, this.options.streamId, this.options.chunkSamples);
    } catch (error) {
      this.emit({ kind: 'failed', error: error as Error });
      return;
    }
    const startedAt = Date.now();
    const noAudioMs = this.options.noAudioMs ?? DEFAULT_NO_AUDIO_MS;
    const armNoAudio = () => {
      clearTimeout(this.noAudioTimer);
      this.noAudioTimer = setTimeout(() => this.emit({ kind: 'no-audio', afterMs: noAudioMs }), noAudioMs);
    };
    const ended = () => {
      clearTimeout(this.noAudioTimer);
      if (this.capture?.process === source) this.capture = undefined;
    };
    const subscription = source.chunks.subscribe({
      next: (chunk) => {
        armNoAudio();
        this.emit({ kind: 'chunk', chunk });
      },
      error: (error: Error) => {
        ended();
        if (error instanceof CaptureCommandMissing || this.disposed) return this.emit({ kind: 'failed', error });
        const restartInMs = this.backoff.delayAfterFailure(Date.now() - startedAt);
        this.emit({ kind: 'failed', error, restartInMs });
        this.restartTimer = setTimeout(() => {
          this.restartTimer = undefined;
          this.restarts++;
          this.launchCapture();
        }, restartInMs);
      },
      complete: () => {
        ended();
        this.emit({ kind: 'stopped' });
      },
    });
    this.capture = { process: source, subscription };
    try {
      source.start();
    } catch (error) {
      ended();
      subscription.unsubscribe();
      this.emit({ kind: 'failed', error: error as Error });
      return;
    }
    armNoAudio();
    this.emit({ kind: 'starting', restarts: this.restarts });
  }

  /** Stops whatever runs (no event comes from it afterwards); resolves when a capture process has exited. */
  stop(): Promise<void> {
    clearTimeout(this.restartTimer);
    clearTimeout(this.noAudioTimer);
    this.restartTimer = undefined;
    this.playback?.unsubscribe();
    this.playback = undefined;
    const running = this.capture;
    this.capture = undefined;
    if (!running) return Promise.resolve();
    running.subscription.unsubscribe();
    return running.process.stop();
  }

  /** Stops and ends `events`. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.subject.complete();
    await this.stop();
  }

  /** A listener that throws must not escape into a timer or a child process callback (it would end Node-RED). */
  private emit(event: AudioSourceEvent): void {
    if (this.disposed) return;
    try {
      this.subject.next(event);
    } catch (err) {
      if (event.kind === 'failed') return;
      this.emit({ kind: 'failed', error: err as Error });
    }
  }
}
