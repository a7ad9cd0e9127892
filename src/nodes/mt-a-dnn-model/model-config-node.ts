import type { ModelLease } from '../../core/model/shared-models';

/** What an mt-a-dnn-infer node finds on its mt-a-dnn-model config node. */
export interface MtADnnModelConfigNode {
  lease: ModelLease;
}
