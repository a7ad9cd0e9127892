import * as tf from './tensorflow';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** Loads what saveModelFiles wrote, from the file system, with no tfjs-node. */
export async function loadModelFiles(dir: string): Promise<LoadedModelFiles> {
  const metadata = JSON.parse(await readFile(join(dir, METADATA_JSON), 'utf8')) as ModelMetadata;
  if (metadata.format !== MODEL_FORMAT) {
    throw new Error(`${join(dir, METADATA_JSON)} is not a speech-emotion MT-A-DNN model (format ${metadata.format})`);
  }
  const modelJson = JSON.parse(await readFile(join(dir, MODEL_JSON), 'utf8'));
  const weightSpecs = (modelJson.weightsManifest ?? []).flatMap((group: { weights: tf.io.WeightsManifestEntry[] }) => group.weights);
  const paths: string[] = (modelJson.weightsManifest ?? []).flatMap((group: { paths: string[] }) => group.paths);
  const buffers = await Promise.all(paths.map((p) => readFile(join(dir, p))));
  const weights = Buffer.concat(buffers);
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData }));
  return { model, metadata };
}

function concatWeightData(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  if (!Array.isArray(data)) return data;
  const buf = Buffer.concat(data.map((d) => Buffer.from(d)));
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}
