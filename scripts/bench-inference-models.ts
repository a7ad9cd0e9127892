// Inference CPU per window of several model folders (one net against an ensemble), one window per call and in
// batches of 64, through the compiled package as mt-a-dnn-infer runs it. Run `npm run build` first.
// Usage: node --import tsx scripts/bench-inference-models.ts [--seconds 3] DIR...   ('' or "default" = the shipped model)
import { parseArgs } from 'node:util';
import { StreamAudio } from './bench/stream-audio';
import { runInference } from './bench/inference';

async function main() {
  const { values, positionals } = parseArgs({ options: { seconds: { type: 'string', default: '3' } }, allowPositionals: true });
  const audio = await StreamAudio.load();
  const vectors = audio.windowVectors(256);
  for (const dir of positionals.length ? positionals : ['default']) {
    const r = await runInference(vectors, Number(values.seconds), 64, dir === 'default' ? '' : dir);
    console.log(
      `${dir} (${r.backend}): one window per call ${r.single.cpuMsPerWindow} ms CPU per window (${r.single.windowsPerCpuSecond}/CPU s); ` +
        `batches of ${r.batched.batch} ${r.batched.cpuMsPerWindow} ms (${r.batched.windowsPerCpuSecond}/CPU s)`,
    );
    for (const f of r.forwardPass) {
      console.log(
        `  forward pass, ${f.nets} net${f.nets > 1 ? 's' : ''}, batch ${f.batch}: tfjs ${f.tfjsCpuUsPerWindow} µs CPU per window, plain ${f.plainCpuUsPerWindow} µs`,
      );
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
