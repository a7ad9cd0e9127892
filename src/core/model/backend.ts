import * as tf from './tensorflow';
import { dirname } from 'node:path';

/** Backends in order of preference when none is asked for. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let selection: Promise<BackendName> | undefined;

/**
 * Picks the TensorFlow.js backend once per process: tfjs-node ('tensorflow') if the user installed it,
 * else WebAssembly from node_modules (no network), else plain JavaScript ('cpu').
 * Every caller (CLI, node, benchmarks) goes through here so that one process uses one backend.
 */
export function initBackend(preferred?: BackendName): Promise<BackendName> {
  if (!selection) {
    // PROD silences tfjs's "install tfjs-node" banner in Node; it is advice, and the user chose not to.
    tf.env().set('PROD', true);
    selection = selectBackend(preferred ?? preferredFromEnvironment());
  }
  return selection;
}

function preferredFromEnvironment(): BackendName | undefined {
  const fromEnv = process.env.SPEECH_EMOTION_BACKEND;
  return fromEnv === 'tensorflow' || fromEnv === 'wasm' || fromEnv === 'cpu' ? fromEnv : undefined;
}

async function selectBackend(preferred: BackendName | undefined): Promise<BackendName> {
  const order: BackendName[] = preferred
    ? [preferred, ...(['tensorflow', 'wasm', 'cpu'] as const).filter((b) => b !== preferred)]
    : ['tensorflow', 'wasm', 'cpu'];
  for (const name of order) {
    if (await tryBackend(name)) return name;
  }
  throw new Error('no TensorFlow.js backend could be initialised');
}

async function tryBackend(name: BackendName): Promise<boolean> {
  try {
    if (name === 'tensorflow') {
      if (!isResolvable('@tensorflow/tfjs-node')) return false;
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- optional: only when the user installed it
      require('@tensorflow/tfjs-node');
    } else if (name === 'wasm') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when this backend is tried
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
      wasm.setWasmPaths(dirname(wasmFile) + '/');
    }
    if (!tf.findBackend(name) && !tf.findBackendFactory(name)) return false;
    const ok = await tf.setBackend(name);
    if (!ok) return false;
    await tf.ready();
    return tf.getBackend() === name;
  } catch {
    return false;
  }
}

function isResolvable(id: string): boolean {
  try {
    require.resolve(id);
    return true;
  } catch {
    return false;
  }
}
