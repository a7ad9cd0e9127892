/** MT-A-DNN inference: loading a model, the TensorFlow.js backend, per-stream classification. */
export { initBackend, type BackendName } from './backend';
export { EmotionModel, type TaskOutputs } from './emotion-model';
export {
  EmotionStreamClassifier,
  classifierInputOf,
  type ClassifierInput,
  type EmotionStreamClassifierOptions,
} from './emotion-stream-classifier';
export { InferenceBatcher, type InferenceBatcherOptions } from './inference-batcher';
export { acquireModel, type ModelLease } from './shared-models';
export { DEFAULT_MODEL_DIR } from './package-paths';
export { TASKS, TASK_CLASSES, type TaskName } from './emotion-tasks';
export { MODEL_FORMAT, type ModelMetadata, type NormalisationSpec, type ClassificationMetrics } from './model-metadata';
export { RunningNormaliser, type RunningNormaliserOptions } from './running-normaliser';
export type { Architecture } from './mt-a-dnn';
