import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { Observable } from 'rxjs';
import { type AudioChunk, MODEL_SAMPLE_RATE } from './audio-chunk';
import { AudioFormatError } from './audio-format-error';
import { AudioStreamConverter } from './audio-stream-converter';
import { decodeWav } from './wav-decoder';

/** WAV files larger than this are refused before reading (about 50 minutes of 48 kHz stereo 16-bit). */
export const MAX_AUDIO_FILE_BYTES = 512 * 1024 * 1024;

export interface PlaybackChunk extends AudioChunk {
  file: string;
}

export interface FilePlaybackOptions {
  /** a WAV file or a folder of them (played in name order) */
  path: string;
  streamId: string;
  chunkSamples: number;
  /** pace chunks at the speed of the audio (true) or emit as fast as possible (false) */
  realtime: boolean;
  loop: boolean;
  /** a file that cannot be played is reported here and skipped */
  onFileError?: (file: string, error: Error) => void;
  now?: () => number;
}

/** Lists the WAV files a path stands for: the file itself, or a folder's *.wav in name order. */
export async function listAudioFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    throw new Error(`cannot read "${path}": ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  if (!info.isDirectory()) return [path];
  const names = (await readdir(path)).filter((name) => extname(name).toLowerCase() === '.wav').sort();
  if (names.length === 0) throw new Error(`folder "${path}" has no .wav files`);
  return names.map((name) => join(path, name));
}

async function readAudioFile(file: string) {
  const info = await stat(file);
  if (info.size > MAX_AUDIO_FILE_BYTES) {
    throw new AudioFormatError(`${basename(file)} is ${info.size} bytes, more than the ${MAX_AUDIO_FILE_BYTES} this node reads at once`);
  }
  return decodeWav(await readFile(file));
}

/**
 * Plays WAV files as a stream of 16 kHz mono chunks: each file is one finite stream (its last chunk
 * is `final`), paced in real time or as fast as possible. Unsubscribing stops it at once.
 */
export function playAudioFiles(options: FilePlaybackOptions): Observable<PlaybackChunk> {
  return new Observable<PlaybackChunk>((subscriber) => {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    const now = options.now ?? Date.now;
    const wait = (ms: number) =>
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, ms));
      });

    (async () => {
      const files = await listAudioFiles(options.path);
      do {
        let played = 0;
        for (const file of files) {
          if (stopped) return;
          let decoded;
          try {
            decoded = await readAudioFile(file);
          } catch (err) {
            options.onFileError?.(file, err as Error);
            continue;
          }
          const converter = new AudioStreamConverter({ streamId: options.streamId, chunkSamples: options.chunkSamples, now });
          const chunks = converter.push(decoded.channels, decoded.sampleRate, true);
          const start = now();
          let samplesDue = 0;
          for (let i = 0; i < chunks.length && !stopped; i++) {
            // Real time: a chunk leaves when its audio has "happened" (a short last chunk after its own
            // length, not a full chunk's); paced from the start, so no drift.
            samplesDue += chunks[i].samples.length;
            if (options.realtime) await wait(start + (samplesDue * 1000) / MODEL_SAMPLE_RATE - now());
            else if (i % 16 === 15) await new Promise<void>((resolve) => setImmediate(resolve));
            if (stopped) return;
            subscriber.next({ ...chunks[i], file });
          }
          played++;
        }
        if (played === 0) throw new Error(`none of the ${files.length} file(s) under "${options.path}" could be played`);
      } while (options.loop && !stopped);
      subscriber.complete();
    })().catch((err) => subscriber.error(err));

    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  });
}
