// audio-source under faults and floods, in a real Node-RED runtime (node-red-node-test-helper):
// recorders that are killed, hang, are missing or exit at once; pipelines whose grandchildren must
// not outlive the node; huge messages; folders of thousands of bad or tiny files.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import helper from 'node-red-node-test-helper';
import audioSourceNode from '../../src/nodes/audio-source/audio-source';
import { collect as collectAny, until, watchedFlow } from '../helpers/node-red-test-flow';
import { sox, tempDir } from '../helpers/sox';

const catchNode = require('@node-red/nodes/core/common/25-catch.js');
const completeNode = require('@node-red/nodes/core/common/24-complete.js');
const statusNode = require('@node-red/nodes/core/common/25-status.js');

helper.init(require.resolve('node-red'));

interface Msg {
  payload: Buffer;
  streamId: string;
  audio: { seq: number; samples: number; final?: boolean; file?: string };
  error?: { message: string };
  status?: { text: string; fill: string };
}
interface TestNode {
  receive(msg: object): void;
}

const collect = (id: string) => collectAny<Msg>(id);
const load = (props: Record<string, unknown>) =>
  helper.load(
    [audioSourceNode, catchNode, completeNode, statusNode],
    watchedFlow(
      [
        { id: 'src', type: 'audio-source', wires: [['out']], ...props },
        { id: 'out', type: 'helper' },
      ],
      'src',
      true,
    ),
  );
const input = () => helper.getNode('src') as unknown as TestNode;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pids of a process group's live members (zombies, already dead and waiting to be reaped, left out), from ps. */
function groupMembers(pgid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,stat=', '-g', String(pgid)])
      .toString()
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([pid, stat]) => Number(pid) > 0 && !stat.startsWith('Z'))
      .map(([pid]) => Number(pid));
  } catch {
    return []; // ps exits with 1 when nothing matches
  }
}

/** The pid of the one process whose command line contains `marker`. */
function pidOf(marker: string): number | undefined {
  try {
    return Number(execFileSync('pgrep', ['-f', '-o', marker]).toString().trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** A shell pipeline recorder: a loop writing 100 ms of silence at 16 kHz every 100 ms, through cat. */
function pipelineRecorder(marker: string) {
  return {
    mode: 'microphone',
    recorder: 'custom',
    command: 'sh',
    args: JSON.stringify(['-c', 'while :; do head -c 3200 /dev/zero; sleep 0.1; done | cat', marker]),
    autostart: true,
  };
}

describe('audio-source: faults and floods', () => {
  before(() => new Promise<void>((resolve) => helper.startServer(resolve)));
  after(() => new Promise<void>((resolve) => helper.stopServer(resolve)));
  afterEach(() => helper.unload());

  test('a pipeline recorder (sh -c "… | cat"): close ends its whole process group, and nothing is sent after', async () => {
    const marker = `pipeline-recorder-${process.pid}-${Date.now()}`;
    await load(pipelineRecorder(marker));
    const out = collect('out');
    await until(() => out.length >= 2, 'audio from the pipeline');
    const pgid = pidOf(marker)!;
    assert.ok(pgid, 'the shell runs');
    assert.ok(groupMembers(pgid).length >= 2, `the shell and its pipeline run in group ${pgid}`);
    await helper.unload();
    assert.deepEqual(groupMembers(pgid), [], 'no process of the group is left once close has finished');
    const sent = out.length;
    await pause(500);
    assert.equal(out.length, sent, 'no message after close');
  });

  test('a recorder killed with SIGKILL: reported to Catch, restarted, the restart shown in the status', async () => {
    const marker = `killed-recorder-${process.pid}-${Date.now()}`;
    await load(pipelineRecorder(marker));
    const out = collect('out');
    const caught = collect('caught');
    const statuses = collect('statuses');
    await until(() => out.length >= 2, 'audio from the recorder');
    const first = pidOf(marker)!;
    process.kill(first, 'SIGKILL');
    await until(() => caught.length >= 1, 'the failure at a Catch node');
    assert.match(caught[0].error!.message, /"sh" was killed \(SIGKILL\); restarting in 1 s/);
    await until(() => statuses.some((s) => /^restart 1 in 1 s/.test(s.status?.text ?? '')), 'the restart in the status');
    const before = out.length;
    await until(() => out.length > before + 2, 'audio after the restart', 10_000);
    const second = pidOf(marker);
    assert.ok(second && second !== first, 'a new recorder process runs');
    assert.ok(
      statuses.some((s) => /, 1 restart\)/.test(s.status?.text ?? '')),
      'the status counts the restart while listening',
    );
    assert.deepEqual(groupMembers(first), [], "the killed recorder's pipeline was ended too");
  });

  test('a recorder that exits at once is restarted with a growing back-off', async () => {
    await load({ mode: 'microphone', recorder: 'custom', command: 'sh', args: JSON.stringify(['-c', 'exit 3']), autostart: true });
    const caught = collect('caught');
    const statuses = collect('statuses');
    await until(() => caught.length >= 2, 'two failures', 15_000);
    assert.match(caught[0].error!.message, /exited with code 3; restarting in 1 s/);
    assert.match(caught[1].error!.message, /exited with code 3; restarting in 2 s/);
    const restartTexts = statuses.map((s) => s.status?.text ?? '').filter((t) => t.startsWith('restart'));
    assert.match(restartTexts[0], /^restart 1 in 1 s/);
    assert.match(restartTexts[1], /^restart 2 in 2 s/);
    assert.ok(statuses.some((s) => s.status?.text === 'starting sh (restart 1)'));
  });

  test('a recorder that runs but sends nothing says so after 5 s, not "starting" for ever', async () => {
    await load({ mode: 'microphone', recorder: 'custom', command: 'sleep', args: '30', autostart: true });
    const caught = collect('caught');
    const statuses = collect('statuses');
    await until(() => statuses.some((s) => s.status?.fill === 'yellow'), 'the no-audio status', 15_000);
    assert.match(statuses.find((s) => s.status?.fill === 'yellow')!.status!.text, /no audio from recorder "sleep" after 5 s/);
    assert.match(caught[0].error!.message, /no audio from recorder/);
  });

  test('file mode: a payload it cannot use is described by type and size, never printed', async () => {
    await load({ mode: 'file', path: '/nonexistent.wav', autostart: false });
    const caught = collect('caught');
    input().receive({ payload: Buffer.alloc(1 << 20, 7) });
    await until(() => caught.length === 1, 'the error');
    assert.match(caught[0].error!.message, /not a Buffer of 1048576 bytes$/);
    assert.ok(caught[0].error!.message.length < 200);
  });

  test('flow mode: a message over the maximum size is refused with done(err); one at the maximum is converted', async () => {
    await load({ mode: 'flow', maxMessageKB: 64 });
    const caught = collect('caught');
    const completed = collect('completed');
    const out = collect('out');
    input().receive({ payload: Buffer.alloc(64 * 1024 + 2), streamId: 'big' });
    await until(() => caught.length === 1, 'the refusal');
    assert.match(caught[0].error!.message, /payload is a Buffer of 65538 bytes, more than this node's maximum message size of 65536 bytes/);
    input().receive({ payload: Buffer.alloc(64 * 1024), streamId: 'fits', audio: { final: true } });
    await until(() => completed.length === 1, 'the message that fits');
    assert.equal(
      out.reduce((n, m) => n + m.audio.samples, 0),
      32 * 1024,
    );
  });

  test('flow mode: a large message is converted in slices, other streams go on meanwhile, its own stream keeps order', async () => {
    await load({ mode: 'flow', chunkMs: 100 });
    const out = collect('out');
    const completed = collect('completed');
    // 4 MB of 16-bit PCM at 8001 Hz (slow to resample), then a small message on another stream, then the end of the first.
    const big = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < big.length / 2; i++) big.writeInt16LE(Math.round(8000 * Math.sin(i / 7)), i * 2);
    input().receive({ payload: big, streamId: 'large', rate: 8001 });
    input().receive({ payload: Buffer.alloc(3200), streamId: 'small', audio: { final: true } });
    input().receive({ payload: Buffer.alloc(0), streamId: 'large', audio: { final: true } });
    await until(() => completed.length === 3, 'all three messages done', 60_000);
    const smallFinal = out.findIndex((m) => m.streamId === 'small' && m.audio.final);
    const largeFinal = out.findIndex((m) => m.streamId === 'large' && m.audio.final);
    assert.ok(smallFinal >= 0 && largeFinal >= 0);
    assert.deepEqual(
      completed.map((m) => m.streamId),
      ['small', 'large', 'large'],
      'the small message was done while the large one was still being converted',
    );
    assert.ok(smallFinal < largeFinal);
    const large = out.filter((m) => m.streamId === 'large');
    assert.deepEqual(
      large.map((m) => m.audio.seq),
      large.map((_, i) => i),
      'in order',
    );
    assert.equal(large.at(-1)!.audio.final, true, 'the end of the stream came after all its audio');
    assert.ok(large.length > 1000, `${large.length} chunks`);
  });

  test('file mode: a looped folder of 300 bad files reports a few errors and a summary, then stops', async () => {
    const dir = tempDir('bad-files');
    for (let i = 0; i < 300; i++) writeFileSync(join(dir, `${String(i).padStart(3, '0')}.wav`), 'not a wav file');
    await load({ mode: 'file', path: dir, loop: true, realtime: true, autostart: true });
    const caught = collect('caught');
    const statuses = collect('statuses');
    await until(() => statuses.some((s) => /none of the 300 file/.test(s.status?.text ?? '')), 'the loop to stop');
    const messages = caught.map((m) => m.error!.message);
    assert.ok(messages.length <= 4, `${messages.length} errors: ${messages.join(' | ')}`);
    assert.match(messages[0], /^skipped .*000\.wav/);
    const summaries = messages.filter((m) => /more files? failed$/.test(m));
    const counted = summaries.reduce((n, m) => n + Number(/^(\d+) more/.exec(m)![1]), 0);
    assert.equal(counted + messages.filter((m) => m.startsWith('skipped')).length, 300, 'every bad file is counted');
  });

  test('file mode: 300 files of 10 ms each, in real time, are paced by their length and the status is throttled', async () => {
    const dir = tempDir('short-files');
    const first = join(dir, '000.wav');
    sox(['-n', '-r', '16000', '-c', '1', '-b', '16', first, 'synth', '0.01', 'sine', '440']);
    for (let i = 1; i < 300; i++) copyFileSync(first, join(dir, `${String(i).padStart(3, '0')}.wav`));
    // With 1 s chunks, pacing each file as a full chunk would take 300 s: this must finish well within the wait.
    await load({ mode: 'file', path: dir, realtime: true, autostart: true, chunkMs: 1000 });
    const out = collect('out');
    const statuses = collect('statuses');
    await until(() => out.filter((m) => m.audio.final).length === 300, 'all 300 files', 60_000);
    assert.ok(out.every((m) => m.audio.samples === 160));
    const playing = statuses.filter((s) => (s.status?.text ?? '').startsWith('playing'));
    assert.ok(playing.length < 60, `${playing.length} status updates for 300 files`);
  });
});
