// Entry of a FeatureWindowPool thread: one FeatureWindowRegistry for the streams the pool sends here.
import { parentPort, workerData } from 'node:worker_threads';
import { FeatureWindowRegistry } from './feature-window-registry';
import { applyPoolRequest, PoolReply, PoolRequest, PoolThreadSetup, SlabShare, THREAD_READY } from './feature-window-pool-protocol';
import { warmUpFeatureWindows } from './feature-window-warm-up';

const setup = workerData as PoolThreadSetup;
const registry = new FeatureWindowRegistry(setup.options, setup.limits);
const port = parentPort;
if (!port) throw new Error('feature-window-pool-worker runs only as a worker thread');
/** the slabs of samples the pool gave this thread (SampleSlabs) */
const slabs = new Map<number, SharedArrayBuffer>();
/**
 * A reply with windows waits at most this long for the replies after it, so that they go in one message. A message
 * from a thread cost ~0.1 ms of its time (the main thread woken for each, as measured around postMessage at 1,000
 * streams: 700 a second per thread, one for each window and one for the rest of each batch).
 */
const WINDOW_REPLY_WAITS_MS = 2;
const post = (replies: PoolReply[]) => port.postMessage(replies.length === 1 ? replies[0] : replies);
// Several requests in one message: the replies go together at the end, a reply with windows (or an error) sooner
// when the requests after it take longer than WINDOW_REPLY_WAITS_MS (FeatureWindowPoolThread).
port.on('message', (message: PoolRequest | PoolRequest[] | SlabShare) => {
  if (!Array.isArray(message) && message.kind === 'slab') {
    if (message.buffer) slabs.set(message.slab, message.buffer);
    else slabs.delete(message.slab);
    return;
  }
  let replies: PoolReply[] = [];
  let awaitedSince: number | undefined;
  for (const request of Array.isArray(message) ? message : [message]) {
    const start = performance.now();
    if (awaitedSince !== undefined && start - awaitedSince >= WINDOW_REPLY_WAITS_MS) {
      post(replies);
      replies = [];
      awaitedSince = undefined;
    }
    const reply = applyPoolRequest(registry, request, slabs);
    const end = performance.now();
    reply.workMs = end - start;
    replies.push(reply);
    if (awaitedSince === undefined && (!reply.ok || reply.windows.length > 0)) awaitedSince = end;
  }
  if (replies.length > 0) post(replies);
});
// Before it takes audio: a thread's start is not lag, and its first windows should not run cold code.
try {
  warmUpFeatureWindows(setup.options);
} catch {
  // Only speed is lost: whatever failed fails again on real audio, where it is answered as that request's error.
}
port.postMessage(THREAD_READY);
