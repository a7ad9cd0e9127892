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
const post = (replies: PoolReply[]) => port.postMessage(replies.length === 1 ? replies[0] : replies);
// Several requests in one message: a reply with windows (or an error) goes at once, with the replies before it;
// the rest go together at the end (FeatureWindowPoolThread).
port.on('message', (message: PoolRequest | PoolRequest[] | SlabShare) => {
  if (!Array.isArray(message) && message.kind === 'slab') {
    if (message.buffer) slabs.set(message.slab, message.buffer);
    else slabs.delete(message.slab);
    return;
  }
  let replies: PoolReply[] = [];
  for (const request of Array.isArray(message) ? message : [message]) {
    const start = performance.now();
    const reply = applyPoolRequest(registry, request, slabs);
    reply.workMs = performance.now() - start;
    replies.push(reply);
    if (!reply.ok || reply.windows.length > 0) {
      post(replies);
      replies = [];
    }
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
