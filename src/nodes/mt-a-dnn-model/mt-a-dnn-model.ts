import type { Node, NodeAPI, NodeDef } from 'node-red';
import { acquireModel } from '../../core/model/shared-models';
import type { MtADnnModelConfigNode } from './model-config-node';

type ConfigNodeDefinition = NodeDef & { modelDir?: string };

/**
 * Config node: one MT-A-DNN model (a directory, empty = the shipped default) loaded once and
 * shared by every infer node that points at it.
 */
export = function register(RED: NodeAPI): void {
  function MtADnnModelNode(this: Node & Partial<MtADnnModelConfigNode>, config: ConfigNodeDefinition): void {
    RED.nodes.createNode(this, config);
    const lease = acquireModel(config.modelDir);
    this.lease = lease;
    // Loading errors surface on the infer nodes that use the model.
    lease.model.catch(() => undefined);
    this.on('close', (_removed: boolean, done: () => void) => {
      lease.release();
      done();
    });
  }
  RED.nodes.registerType('mt-a-dnn-model', MtADnnModelNode);
};
