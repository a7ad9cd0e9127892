// The Markdown table of a benchmark report (docs/benchmark.md), for the README to quote.
import type { BenchReport } from '../bench';

export function benchMarkdown(report: BenchReport): string {
  const { machine, settings, inference } = report;
  const lines = [
    '# Benchmark',
    '',
    `\`npm run bench\` on ${report.date.slice(0, 10)}: ${machine.cpus} × ${machine.model}, Node ${machine.node}, load average ` +
      `${machine.loadAverage.join(' / ')} at the end (a shared machine: CPU time is the figure to compare, wall time moves with the load).`,
    '',
    '## End to end in a real Node-RED process',
    '',
    `audio-source (flow mode, 250 ms chunks at real-time pace) → feature-window (3 s every 1 s, speech only) → mt-a-dnn-infer → emotion-router, ` +
      `all at their defaults; ${settings.seconds} s of ${settings.clips} RAVDESS clips looped per stream, streams out of phase. CPU: utime + stime of ` +
      'the node-red process (all threads) from the first chunk until the last prediction. Latency: from the moment the chunk that completes a window is due to its prediction. ' +
      'Keeps up: every window and prediction arrived, none dropped, p99 latency within one hop (1 s). Host: cores the hypervisor held back ' +
      'from this machine (steal) and cores other processes used, during the run: with either above 0.1 the process did not have the cores to itself.',
    '',
    '| streams | cores | CPU ms per stream-second | process cores | wall s | latency p50 / p99 ms | event loop | windows (emitted / expected) | predictions | windows dropped (infer) | audio dropped s (feature-window) | RSS MB | tensors | host: stolen / others | keeps up |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.endToEnd.map(
      (r) =>
        `| ${r.streams} | ${r.cores} | ${r.cpuMsPerStreamSecond} | ${r.processCores} | ${r.wallSeconds} | ${r.latencyMs.p50} / ${r.latencyMs.p99} | ` +
        `${Math.round(r.eventLoopUtilisation * 100)}% | ${r.windows.emitted} / ${r.windows.expected} | ${r.predictions.emitted} / ${r.predictions.expected} | ` +
        `${r.dropped} | ${r.droppedAudioSeconds ?? 0} | ${r.rssMB} | ${r.tensors} | ${r.host ? `${r.host.stolenCores} / ${r.host.otherProcessesCores}` : '–'} | ` +
        `${r.keepsUp ? 'yes' : 'no'} |`,
    ),
    '',
    ...report.failures.map((f) => `No figures: ${f}.`),
    '',
    ...report.headline.map(
      (h) => `Largest N that keeps up (${h.cores === 'all' ? 'all cores' : `${h.cores} core`}): **${h.streams ?? 'none of those run'}**.`,
    ),
    '',
    '## Inference',
    '',
    `The shipped model on the ${inference.backend} backend, the compiled package, CPU time of one process:`,
    '',
    '| model call | windows per CPU second | CPU ms per window |',
    '| --- | --- | --- |',
    `| one window | ${inference.single.windowsPerCpuSecond} | ${inference.single.cpuMsPerWindow} |`,
    `| batch of ${inference.batched.batch} | ${inference.batched.windowsPerCpuSecond} | ${inference.batched.cpuMsPerWindow} |`,
    '',
    'The forward pass alone (standardised windows to averaged probabilities), tfjs against the plain-JavaScript pass that',
    'inference uses, CPU microseconds per window, side by side in the same run:',
    '',
    '| nets | batch | tfjs µs | plain µs |',
    '| --- | --- | --- | --- |',
    ...inference.forwardPass.map((f) => `| ${f.nets} | ${f.batch} | ${f.tfjsCpuUsPerWindow} | ${f.plainCpuUsPerWindow} |`),
    '',
  ];
  if (report.soak) {
    lines.push(
      '## Soak',
      '',
      `${report.soak.streams} streams for ${report.soak.seconds} s:`,
      '',
      '| s | RSS MB | heap MB | external MB | tensors |',
      '| --- | --- | --- | --- | --- |',
      ...report.soak.samples.map((s) => `| ${s.seconds} | ${s.rssMB} | ${s.heapMB} | ${s.externalMB} | ${s.tensors} |`),
      '',
    );
  }
  if (report.features)
    lines.push('## Feature extraction', '', `\`${report.features.command}\`:`, '', '```', report.features.output, '```', '');
  return lines.join('\n');
}
