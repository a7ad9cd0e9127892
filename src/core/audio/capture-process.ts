import { type ChildProcess, spawn } from 'node:child_process';
import { Subject, type Observable } from 'rxjs';
import type { AudioChunk } from './audio-chunk';
import { AudioStreamConverter } from './audio-stream-converter';
import { decodePcm, type PcmFormat, validatePcmFormat } from './pcm-decoder';

export interface CaptureCommand {
  command: string;
  args: string[];
  /** what the command writes to stdout */
  format: PcmFormat;
}

/** arecord (ALSA) writing 16 kHz mono 16-bit raw PCM to stdout. */
export function arecordCommand(device: string, sampleRate = 16000): CaptureCommand {
  const args = ['-q', '-t', 'raw', '-f', 'S16_LE', '-c', '1', '-r', String(sampleRate)];
  if (device) args.push('-D', device);
  return { command: 'arecord', args, format: { sampleRate, channels: 1, bits: 16, encoding: 'signed-integer' } };
}

/** sox recording from the default device (-d) or an ALSA device, writing raw PCM to stdout. */
export function soxCommand(device: string, sampleRate = 16000): CaptureCommand {
  const input = device ? ['-t', 'alsa', device] : ['-d'];
  const output = ['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-c', '1', '-r', String(sampleRate), '-'];
  return { command: 'sox', args: ['-q', ...input, ...output], format: { sampleRate, channels: 1, bits: 16, encoding: 'signed-integer' } };
}

const STDERR_TAIL_BYTES = 2000;
const KILL_GRACE_MS = 2000;

/**
 * A capture command run as a child process (argument array, no shell) whose stdout is raw PCM,
 * turned into 16 kHz mono chunks. `chunks` errors with a message that says what went wrong
 * (command missing, device busy: the command's own last words) and completes when the command exits.
 */
export class CaptureProcess {
  readonly chunks: Observable<AudioChunk>;
  private readonly subject = new Subject<AudioChunk>();
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly capture: CaptureCommand,
    private readonly streamId: string,
    private readonly chunkSamples: number,
  ) {
    validatePcmFormat(capture.format);
    this.chunks = this.subject.asObservable();
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  start(): void {
    if (this.child) return;
    const { command, args, format } = this.capture;
    const frameBytes = (format.bits / 8) * format.channels;
    const converter = new AudioStreamConverter({ streamId: this.streamId, chunkSamples: this.chunkSamples });
    let remainder = Buffer.alloc(0);
    let stderrTail = '';
    let failed = false;
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    this.child = child;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      this.subject.error(err);
    };
    this.exited = new Promise<void>((resolve) => {
      child.once('close', (code, signal) => {
        if (this.child === child) this.child = undefined;
        if (!failed) {
          if (code !== 0 && signal === null) {
            const why = stderrTail.trim().split('\n').slice(-2).join(' ').trim();
            fail(new Error(`capture command "${command}" exited with code ${code}${why ? `: ${why}` : ''}`));
          } else {
            for (const chunk of converter.end()) this.subject.next(chunk);
            this.subject.complete();
          }
        }
        resolve();
      });
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (this.child === child) this.child = undefined;
      fail(
        err.code === 'ENOENT'
          ? new Error(
              `capture command "${command}" not found: install it (e.g. apt-get install ${command === 'arecord' ? 'alsa-utils' : command}) or choose another`,
            )
          : new Error(`capture command "${command}" failed to start: ${err.message}`),
      );
    });
    child.stderr!.on('data', (data: Buffer) => {
      stderrTail = (stderrTail + data.toString()).slice(-STDERR_TAIL_BYTES);
    });
    child.stdout!.on('data', (data: Buffer) => {
      if (failed) return;
      const bytes = remainder.length ? Buffer.concat([remainder, data]) : data;
      const usable = bytes.length - (bytes.length % frameBytes);
      remainder = Buffer.from(bytes.subarray(usable));
      if (usable === 0) return;
      try {
        const channels = decodePcm(bytes.subarray(0, usable), format);
        for (const chunk of converter.push(channels, format.sampleRate)) this.subject.next(chunk);
      } catch (err) {
        fail(err as Error);
        child.kill('SIGKILL');
      }
    });
  }

  /** Stops the command (SIGTERM, then SIGKILL if it lingers) and resolves when it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return this.exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }
}
