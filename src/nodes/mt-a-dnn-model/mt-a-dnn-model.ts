import { acquireModel } from '../../core/model/shared-models';
import type { MtADnnModelConfigNode } from './model-config-node';

interface ConfigNodeDefinition {
  id: string;
  name?: string;
  modelDir?: string;
}
interface RuntimeConfigNode {
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
}
interface NodeRedApi {
  nodes: {
    createNode(node: object, config: object): void;
    registerType(type: string, constructor: (this: RuntimeConfigNode, config: ConfigNodeDefinition) => void): void;
  };
}


/**
 * Config node: one MT-A-DNN model (a directory, empty = the shipped default) loaded once and
 * shared by every infer node that points at it.
 */
export = function register(RED: NodeRedApi): void {
  function MtADnnModelNode(this: RuntimeConfigNode & Partial<MtADnnModelConfigNode>, config: ConfigNodeDefinition): void {
    RED.nodes.createNode(this, config);
    const lease = acquireModel(config.modelDir);
    this.lease = lease;
    // Loading errors surface on the infer nodes that use the model.
    lease.model.catch(() => undefined);
    this.on('close', (_removed, done) => {
      lease.release();
      done();
    });
  }
  RED.nodes.registerType('mt-a-dnn-model', MtADnnModelNode);
};
