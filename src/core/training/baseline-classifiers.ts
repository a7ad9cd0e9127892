import type { RandomForestClassifier } from 'ml-random-forest';
import { fitStandardisation, standardise } from '../model/standardiser';

/** A classifier trained on emotion class indices; the baselines of the paper's Table 2. */
export interface TrainedClassifier {
  predict(vectors: ArrayLike<number>[]): number[];
  dispose(): void;
}

interface LibsvmModel {
  train(samples: number[][], labels: number[]): void;
  predict(samples: number[][]): number[];
  free(): void;
}
interface LibsvmConstructor {
  new (options: Record<string, unknown>): LibsvmModel;
  KERNEL_TYPES: Record<string, number>;
  SVM_TYPES: Record<string, number>;
}

/**
 * RBF SVM (libsvm through libsvm-js, the asm.js build: no WebAssembly fetch) on standardised
 * features, with scikit-learn's defaults: C = 1, gamma = 1 / (features * variance) = 1 / features.
 */
export function trainSvm(vectors: ArrayLike<number>[], labels: number[], options: { cost?: number } = {}): TrainedClassifier {
  const SVM = requireBaselineLibrary('libsvm-js/asm') as LibsvmConstructor;
  const stats = fitStandardisation(vectors);
  const prepare = (vs: ArrayLike<number>[]) => vs.map((v) => Array.from(standardise(v, stats)));
  const svm = new SVM({
    kernel: SVM.KERNEL_TYPES.RBF,
    type: SVM.SVM_TYPES.C_SVC,
    gamma: 1 / vectors[0].length,
    cost: options.cost ?? 1,
    quiet: true,
  });
  svm.train(prepare(vectors), labels);
  let freed = false;
  return {
    predict: (vs) => svm.predict(prepare(vs)),
    dispose: () => {
      if (!freed) svm.free();
      freed = true;
    },
  };
}

/** Random forest (ml-random-forest): 100 trees, sqrt(features) per split candidate set, bootstrap samples. */
export function trainRandomForest(vectors: ArrayLike<number>[], labels: number[], seed: number): TrainedClassifier {
  const { RandomForestClassifier: Forest } = requireBaselineLibrary('ml-random-forest') as {
    RandomForestClassifier: typeof RandomForestClassifier;
  };
  const forest = new Forest({
    nEstimators: 100,
    maxFeatures: Math.max(1, Math.round(Math.sqrt(vectors[0].length))),
    replacement: true,
    useSampleBagging: true,
    noOOB: true,
    seed,
  } as never);
  forest.train(
    vectors.map((v) => Array.from(v)),
    labels,
  );
  return { predict: (vs) => forest.predict(vs.map((v) => Array.from(v))), dispose: () => undefined };
}

/**
 * The baselines' libraries are development dependencies: the nodes never need them, and a user install
 * stays smaller without them. Asked for without them, say what to install.
 */
function requireBaselineLibrary(id: string): unknown {
  try {
    // Loaded on demand: the baselines' libraries are optional (devDependencies), used only by the CLI.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(id);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error(
      `the SVM and random-forest baselines need libsvm-js and ml-random-forest, which are not installed: ` +
        `run "npm install libsvm-js ml-random-forest" where node-red-contrib-speech-emotion is installed`,
      { cause: err },
    );
  }
}
