import { resolve } from 'node:path';
import { initBackend } from './backend';
import { EmotionModel } from './emotion-model';
import { DEFAULT_MODEL_DIR } from './package-paths';

interface Entry {
  model: Promise<EmotionModel>;
  users: number;
}

const loaded = new Map<string, Entry>();

/** A model shared by everyone who asks for the same directory; release() when done. */
export interface ModelLease {
  dir: string;
  model: Promise<EmotionModel>;
  release(): void;
}

/**
 * Loads each model directory once per process (empty = the shipped default) and disposes it when its
 * last user releases it, so many infer nodes share one copy of the weights.
 */
export function acquireModel(dir?: string): ModelLease {
  const key = resolve(dir && dir.trim() ? dir.trim() : DEFAULT_MODEL_DIR);
  let entry = loaded.get(key);
  if (!entry) {
    const model = initBackend()
      .then(() => EmotionModel.load(key))
      .then((loadedModel) => {
        loadedModel.warmUp();
        return loadedModel;
      });
    entry = { model, users: 0 };
    loaded.set(key, entry);
    // A failed load is not cached: the next acquire tries again.
    model.catch(() => {
      if (loaded.get(key) === entry) loaded.delete(key);
    });
  }
  entry.users++;
  const held = entry;
  let released = false;
  return {
    dir: key,
    model: held.model,
    release: () => {
      if (released) return;
      released = true;
      held.users--;
      if (held.users === 0 && loaded.get(key) === held) {
        loaded.delete(key);
        held.model.then(
          (m) => m.dispose(),
          () => undefined,
        );
      }
    },
  };
}

/** Directories loaded now and their user counts (for tests and diagnostics). */
export function loadedModels(): { dir: string; users: number }[] {
  return [...loaded].map(([dir, e]) => ({ dir, users: e.users }));
}
