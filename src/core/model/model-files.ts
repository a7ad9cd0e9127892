import * as tf from './tensorflow';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import './task-attention-layer';
import { MODEL_FORMAT, type ModelMetadata } from './model-metadata';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const METADATA_JSON = 'metadata.json';

/** Writes TF.js layers format (model.json + weights.bin) and metadata.json into dir. */
export async function saveModelFiles(dir: string, model: tf.LayersModel, metadata: ModelMetadata): Promise<void> {
  await mkdir(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData ? concatWeightData(artifacts.weightData) : new ArrayBuffer(0);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, MODEL_JSON), JSON.stringify(modelJson));
      await writeFile(join(dir, WEIGHTS_BIN), Buffer.from(weightData));
      await writeFile(join(dir, METADATA_JSON), JSON.stringify(metadata, null, 2) + '\n');
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
}

export interface LoadedModelFiles {
  model: tf.LayersModel;
  metadata: ModelMetadata;
}

/** A model folder that cannot be loaded: named, with what is wrong. */
export class ModelFilesError extends Error {
  override name = 'ModelFilesError';
}

// Loads one at a time: a failed load disposes the variables it registered, found as those that were not
// registered before it started, which only holds while no other load is creating variables at once.
let loadQueue: Promise<unknown> = Promise.resolve();

/**
 * Loads what saveModelFiles wrote, from the file system, with no tfjs-node. Reads model.json, metadata.json and
 * weight files inside `dir` only, checks their sizes against the manifest before any tensor exists, and leaves no
 * tensor behind when it fails.
 */
export function loadModelFiles(dir: string): Promise<LoadedModelFiles> {
  const loaded = loadQueue.then(() => loadModelFilesNow(dir));
  loadQueue = loaded.catch(() => undefined);
  return loaded;
}

async function loadModelFilesNow(dir: string): Promise<LoadedModelFiles> {
  const metadata = JSON.parse(await readFile(join(dir, METADATA_JSON), 'utf8')) as ModelMetadata;
  if (metadata.format !== MODEL_FORMAT) {
    throw new ModelFilesError(`${join(dir, METADATA_JSON)} is not a speech-emotion MT-A-DNN model (format ${metadata.format})`);
  }
  const modelJsonPath = join(dir, MODEL_JSON);
  const modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8'));
  const groups: { paths?: unknown; weights?: tf.io.WeightsManifestEntry[] }[] = modelJson.weightsManifest ?? [];
  const weightSpecs = groups.flatMap((group) => group.weights ?? []);
  const paths = groups.flatMap((group) => (Array.isArray(group.paths) ? group.paths : []));
  const buffers = await Promise.all(paths.map((p) => readFile(weightFileInside(dir, p))));
  const weights = Buffer.concat(buffers);
  const expected = expectedWeightBytes(weightSpecs);
  if (expected !== undefined && expected !== weights.byteLength) {
    throw new ModelFilesError(`${modelJsonPath}: its weights need ${expected} bytes, the weight files hold ${weights.byteLength}`);
  }
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);

  const variablesBefore = new Set(Object.keys(registeredVariables()));
  let model: tf.LayersModel | undefined;
  let decoded: tf.NamedTensorMap | undefined;
  try {
    model = await tf.models.modelFromJSON({ modelTopology: modelJson.modelTopology });
    decoded = tf.io.decodeWeights(weightData, weightSpecs);
    model.loadWeights(decoded, true);
    return { model, metadata };
  } catch (err) {
    model?.dispose();
    for (const [name, variable] of Object.entries(registeredVariables())) {
      if (!variablesBefore.has(name)) variable.dispose();
    }
    throw new ModelFilesError(`${modelJsonPath}: ${(err as Error).message}`, { cause: err });
  } finally {
    // loadWeights copies the values into the model's variables; the decoded tensors are temporary.
    if (decoded) tf.dispose(Object.values(decoded));
  }
}

function registeredVariables(): Record<string, tf.Variable> {
  return (tf.engine() as unknown as { state: { registeredVariables: Record<string, tf.Variable> } }).state.registeredVariables;
}

/** A weight file named in model.json, refused unless it is a relative path to a file inside `dir`. */
function weightFileInside(dir: string, path: unknown): string {
  const root = resolve(dir);
  const file = typeof path === 'string' && !isAbsolute(path) ? resolve(root, path) : undefined;
  const inside =
    file !== undefined && relative(root, file) !== '' && !relative(root, file).startsWith('..') && !isAbsolute(relative(root, file));
  if (!inside)
    throw new ModelFilesError(`${join(dir, MODEL_JSON)}: weight path ${JSON.stringify(path)} is not a file inside the model folder`);
  return file;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/** Bytes the weight specs describe, or undefined where a spec is quantised or of another type (then tfjs checks). */
function expectedWeightBytes(specs: tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const bytes = DTYPE_BYTES[spec.dtype];
    if (spec.quantization || bytes === undefined || !Array.isArray(spec.shape)) return undefined;
    total += spec.shape.reduce((n, d) => n * d, 1) * bytes;
  }
  return total;
}

function concatWeightData(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  if (!Array.isArray(data)) return data;
  const buf = Buffer.concat(data.map((d) => Buffer.from(d)));
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}
