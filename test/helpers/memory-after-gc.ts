import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * process.memoryUsage() after three garbage collections, each followed by a short pause (finalisers run, typed
 * arrays' memory is given back): what the process still holds.
 */
export async function memoryAfterGc(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return process.memoryUsage();
}

/** Bytes held in the V8 heap and in typed arrays, after garbage collection. */
export async function heapAndTypedArrayBytes(): Promise<number> {
  const { heapUsed, arrayBuffers } = await memoryAfterGc();
  return heapUsed + arrayBuffers;
}
