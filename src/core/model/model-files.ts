import * as tf from './tensorflow';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import './task-attention-layer';
import { MODEL_FORMAT, type ModelMetadata } from './model-metadata';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const METADATA_JSON = 'metadata.json';

/** File names of member i (from 1) of an ensemble: its model.json and its weights, side by side in the model folder. */
export function memberFiles(i: number): { modelJson: string; weights: string } {
  return { modelJson: `member-${i}.json`, weights: `member-${i}.weights.bin` };
}

/**
 * Writes TF.js layers format and metadata.json into dir: one net as model.json + weights.bin (the single-net
 * format), several nets (an ensemble) as member-N.json + member-N.weights.bin each, listed in metadata.members.
 */
export async function saveModelFiles(
  dir: string,
  members: tf.LayersModel | readonly tf.LayersModel[],
  metadata: ModelMetadata,
): Promise<void> {
  const nets = Array.isArray(members) ? members : [members as tf.LayersModel];
  if (nets.length === 0) throw new Error('a model needs at least one net');
  await mkdir(dir, { recursive: true });
  const files = nets.length === 1 ? [{ modelJson: MODEL_JSON, weights: WEIGHTS_BIN }] : nets.map((_, i) => memberFiles(i + 1));
  await removeNetFilesOfEarlierSave(dir);
  for (const [i, net] of nets.entries()) await saveNet(dir, net, files[i].modelJson, files[i].weights);
  const saved: ModelMetadata = { ...metadata };
  if (nets.length === 1) delete saved.members;
  else saved.members = files.map((f) => f.modelJson);
  await writeFile(join(dir, METADATA_JSON), JSON.stringify(saved, null, 2) + '\n');
}

/** Saving over a folder: the net files of the other layout (or of a larger ensemble) would otherwise stay beside the new ones. */
async function removeNetFilesOfEarlierSave(dir: string): Promise<void> {
  const netFile = /^(model\.json|weights\.bin|member-\d+\.json|member-\d+\.weights\.bin)$/;
  for (const name of await readdir(dir)) if (netFile.test(name)) await rm(join(dir, name));
}

async function saveNet(dir: string, net: tf.LayersModel, modelJsonName: string, weightsName: string): Promise<void> {
  await net.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData ? concatWeightData(artifacts.weightData) : new ArrayBuffer(0);
      const modelJson = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${weightsName}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeFile(join(dir, modelJsonName), JSON.stringify(modelJson));
      await writeFile(join(dir, weightsName), Buffer.from(weightData));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weightData.byteLength } };
    }),
  );
}

export interface LoadedModelFiles {
  /** One net, or the members of an ensemble in metadata.members order. */
  members: tf.LayersModel[];
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
 * Loads what saveModelFiles wrote, from the file system, with no tfjs-node. Reads metadata.json, the model.json
 * of each net (model.json, or each of metadata.members) and their weight files, all inside `dir` only; checks
 * the weight sizes against the manifests and each net's input against the metadata before any tensor exists,
 * and leaves no tensor behind when it fails.
 */
export function loadModelFiles(dir: string): Promise<LoadedModelFiles> {
  const loaded = loadQueue.then(() => loadModelFilesNow(dir));
  loadQueue = loaded.catch(() => undefined);
  return loaded;
}

interface NetFiles {
  path: string;
  modelTopology: unknown;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

async function loadModelFilesNow(dir: string): Promise<LoadedModelFiles> {
  const metadata = JSON.parse(await readFile(join(dir, METADATA_JSON), 'utf8')) as ModelMetadata;
  if (metadata.format !== MODEL_FORMAT) {
    throw new ModelFilesError(`${join(dir, METADATA_JSON)} is not a speech-emotion MT-A-DNN model (format ${metadata.format})`);
  }
  const memberPaths = memberModelJsons(dir, metadata);
  const nets: NetFiles[] = [];
  for (const path of memberPaths) nets.push(await readNetFiles(dir, path, metadata));

  const variablesBefore = new Set(Object.keys(registeredVariables()));
  const members: tf.LayersModel[] = [];
  let current = nets[0].path;
  try {
    for (const net of nets) {
      current = net.path;
      const model = await tf.models.modelFromJSON({ modelTopology: net.modelTopology as tf.io.ModelJSON['modelTopology'] });
      members.push(model);
      const decoded = tf.io.decodeWeights(net.weightData, net.weightSpecs);
      try {
        model.loadWeights(decoded, true);
      } finally {
        // loadWeights copies the values into the model's variables; the decoded tensors are temporary.
        tf.dispose(Object.values(decoded));
      }
    }
    return { members, metadata };
  } catch (err) {
    for (const model of members) model.dispose();
    for (const [name, variable] of Object.entries(registeredVariables())) {
      if (!variablesBefore.has(name)) variable.dispose();
    }
    throw new ModelFilesError(`${current}: ${(err as Error).message}`, { cause: err });
  }
}

/** The model.json of each net: metadata.members (an ensemble), else model.json; each refused unless inside `dir`. */
function memberModelJsons(dir: string, metadata: ModelMetadata): string[] {
  if (metadata.members === undefined) return [join(dir, MODEL_JSON)];
  const where = join(dir, METADATA_JSON);
  if (!Array.isArray(metadata.members) || metadata.members.length === 0) {
    throw new ModelFilesError(`${where}: "members" must list the model.json file of each net of the ensemble`);
  }
  return metadata.members.map((m) => fileInside(dir, m, `${where}: member ${JSON.stringify(m)}`));
}

/** Reads one net's model.json and weights (weight paths relative to the model folder) and checks them. */
async function readNetFiles(dir: string, modelJsonPath: string, metadata: ModelMetadata): Promise<NetFiles> {
  const modelJson = JSON.parse(await readFile(modelJsonPath, 'utf8'));
  const groups: { paths?: unknown; weights?: tf.io.WeightsManifestEntry[] }[] = modelJson.weightsManifest ?? [];
  const weightSpecs = groups.flatMap((group) => group.weights ?? []);
  const paths = groups.flatMap((group) => (Array.isArray(group.paths) ? group.paths : []));
  const buffers = await Promise.all(paths.map((p) => readFile(fileInside(dir, p, `${modelJsonPath}: weight path ${JSON.stringify(p)}`))));
  const weights = Buffer.concat(buffers);
  const expected = expectedWeightBytes(weightSpecs);
  if (expected !== undefined && expected !== weights.byteLength) {
    throw new ModelFilesError(`${modelJsonPath}: its weights need ${expected} bytes, the weight files hold ${weights.byteLength}`);
  }
  const inputLength = inputLengthOf(modelJson.modelTopology);
  if (inputLength !== undefined && inputLength !== metadata.vectorLength) {
    throw new ModelFilesError(`${modelJsonPath}: its net takes ${inputLength} values, metadata.json says ${metadata.vectorLength}`);
  }
  return {
    path: modelJsonPath,
    modelTopology: modelJson.modelTopology,
    weightSpecs,
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  };
}

/** The input length in a layers-model topology, or undefined where the topology does not say it plainly. */
function inputLengthOf(topology: unknown): number | undefined {
  const layers = (topology as { config?: { layers?: { class_name?: string; config?: { batch_input_shape?: unknown } }[] } })?.config
    ?.layers;
  const shape = layers?.find((l) => l.class_name === 'InputLayer')?.config?.batch_input_shape;
  return Array.isArray(shape) && shape.length === 2 && typeof shape[1] === 'number' ? shape[1] : undefined;
}

function registeredVariables(): Record<string, tf.Variable> {
  return (tf.engine() as unknown as { state: { registeredVariables: Record<string, tf.Variable> } }).state.registeredVariables;
}

/** A file named in the model's files (a member's model.json, a weight file): refused unless a relative path to a file inside `dir`. */
function fileInside(dir: string, path: unknown, what: string): string {
  const root = resolve(dir);
  const file = typeof path === 'string' && !isAbsolute(path) ? resolve(root, path) : undefined;
  const inside =
    file !== undefined && relative(root, file) !== '' && !relative(root, file).startsWith('..') && !isAbsolute(relative(root, file));
  if (!inside) throw new ModelFilesError(`${what} is not a file inside the model folder`);
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
