import { type ChildProcess, spawn } from 'node:child_process';
import { Subject, type Observable } from 'rxjs';
import type { AudioChunk } from './audio-chunk';
import { AudioStreamConverter } from './audio-stream-converter';
import { passThroughPcm16 } from './audio-payload';
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
/** SIGTERM first; what is still running after this gets SIGKILL. */
const KILL_GRACE_MS = 1000;
/** stop() resolves by then even if something outside the process group still holds the command's output open. */
const STOP_LIMIT_MS = 3000;

/** The capture command does not exist: starting it again will not help. */
export class CaptureCommandMissing extends Error {}

/**
 * A capture command run as a child process (argument array, no shell) whose stdout is raw PCM,
 * turned into 16 kHz mono chunks. `chunks` errors with a message that says what went wrong
 * (command missing, device busy: the command's own last words; killed; exited without audio) and
 * completes when the command ends by itself after sending audio (or is stopped).
 *
 * The command runs in its own process group, and the whole group is killed, so that a pipeline
 * (`sh -c "rec … | cat"`) leaves nothing running behind it.
 */
export class CaptureProcess {
  readonly chunks: Observable<AudioChunk>;
  private readonly subject = new Subject<AudioChunk>();
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;

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

  /** The process group id (the command's pid) while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    if (this.child) return;
    const { command, args, format } = this.capture;
    const frameBytes = (format.bits / 8) * format.channels;
    const converter = new AudioStreamConverter({ streamId: this.streamId, chunkSamples: this.chunkSamples });
    let remainder = Buffer.alloc(0);
    let stderrTail = '';
    let failed = false;
    let bytesRead = 0;
    let exit: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false, detached: true });
    this.child = child;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      this.subject.error(err);
    };
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        // Whatever the command started and left behind (a pipeline's other half) goes with it.
        signalGroup(child, 'SIGKILL');
      });
      child.once('close', () => {
        if (this.child === child) this.child = undefined;
        const { code, signal } = exit;
        if (!failed) {
          const why = stderrTail.trim().split('\n').slice(-2).join(' ').trim();
          if (this.stopping || (code === 0 && bytesRead > 0)) {
            for (const chunk of converter.end()) this.subject.next(chunk);
            this.subject.complete();
          } else if (signal !== null) {
            fail(new Error(`capture command "${command}" was killed (${signal})${why ? `: ${why}` : ''}`));
          } else if (code !== 0) {
            fail(new Error(`capture command "${command}" exited with code ${code}${why ? `: ${why}` : ''}`));
          } else {
            fail(new Error(`capture command "${command}" exited without sending audio${why ? `: ${why}` : ''}`));
          }
        }
        resolve();
      });
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (this.child === child) this.child = undefined;
      fail(
        err.code === 'ENOENT'
          ? new CaptureCommandMissing(
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
      bytesRead += data.length;
      const bytes = remainder.length ? Buffer.concat([remainder, data]) : data;
      const usable = bytes.length - (bytes.length % frameBytes);
      remainder = Buffer.from(bytes.subarray(usable));
      if (usable === 0) return;
      try {
        const pcm = bytes.subarray(0, usable);
        // a recorder at 16 kHz mono 16-bit: its bytes go on as they came
        const pcm16 = passThroughPcm16(pcm, format);
        const chunks = pcm16 ? converter.pushPcm16(pcm16) : converter.push(decodePcm(pcm, format), format.sampleRate);
        for (const chunk of chunks) this.subject.next(chunk);
      } catch (err) {
        fail(err as Error);
        signalGroup(child, 'SIGKILL');
      }
    });
  }

  /**
   * Stops the command's whole process group (SIGTERM, then SIGKILL if anything lingers) and resolves
   * when it has exited, or after a few seconds at most.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return this.exited;
    this.stopping = true;
    signalGroup(child, 'SIGTERM');
    const timers: NodeJS.Timeout[] = [];
    const limit = new Promise<void>((resolve) => {
      timers.push(setTimeout(() => signalGroup(child, 'SIGKILL'), KILL_GRACE_MS));
      timers.push(
        setTimeout(() => {
          // A process outside the group (it called setsid) may still hold stdout open: let go of it.
          child.stdout?.destroy();
          child.stderr?.destroy();
          resolve();
        }, STOP_LIMIT_MS),
      );
    });
    await Promise.race([this.exited, limit]);
    for (const timer of timers) clearTimeout(timer);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}
