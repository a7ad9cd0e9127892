// Throughput of the audio path, single thread: WAV decoding, down-mix + resampling to 16 kHz, and the
// whole per-stream conversion to 16 kHz chunks. Reports real-time factors (seconds of audio per second
// of compute) on the real RAVDESS 48 kHz stereo clips. Usage: npm run bench:audio
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AudioStreamConverter, decodeWav, toMonoAtRate } from '../src/core';
import { FULL_DATA } from '../test/helpers/corpus';

const dir = FULL_DATA.originals48k;
const files = readdirSync(dir).flatMap((d) => readdirSync(join(dir, d)).map((f) => join(dir, d, f)));
const wavs = files.map((f) => readFileSync(f));
const decodedAll = wavs.map((w) => decodeWav(w));
const audioSeconds = decodedAll.reduce((s, d) => s + d.channels[0].length / d.sampleRate, 0);
const megabytes = wavs.reduce((s, w) => s + w.length, 0) / 1e6;

function measure(label: string, repeat: number, work: () => void, unit?: (seconds: number) => string) {
  work(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < repeat; i++) work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9 / repeat;
  console.log(`${label.padEnd(44)} ${(audioSeconds / seconds).toFixed(0).padStart(7)}x real time${unit ? `  ${unit(seconds)}` : ''}`);
}

console.log(`${files.length} clips, ${audioSeconds.toFixed(1)} s of 48 kHz stereo 16-bit audio, ${megabytes.toFixed(1)} MB`);
measure(
  'decode WAV',
  50,
  () => wavs.forEach((w) => decodeWav(w)),
  (s) => `${(megabytes / s).toFixed(0)} MB/s`,
);
measure('down-mix + resample 48k -> 16k (whole file)', 5, () => decodedAll.forEach((d) => toMonoAtRate(d.channels, d.sampleRate)));
measure('stream: decode + convert to 250 ms chunks', 5, () => {
  for (const wav of wavs) {
    const d = decodeWav(wav);
    new AudioStreamConverter({ streamId: 'bench', chunkSamples: 4000 }).push(d.channels, d.sampleRate, true);
  }
});
const mono16k = decodedAll.map((d) => ({ sampleRate: 16000, channels: [toMonoAtRate(d.channels, d.sampleRate)] }));
measure('stream at 16 kHz mono (no resampling)', 20, () => {
  for (const d of mono16k) new AudioStreamConverter({ streamId: 'bench', chunkSamples: 4000 }).push(d.channels, 16000, true);
});
