// The parts of TensorFlow.js this package uses, as one `tf` namespace, put together as the
// `@tensorflow/tfjs` bundle does but without what no node needs (WebGL, the graph-model converter and
// tf.data: about 250 MB in node_modules): the core ops with their gradients (for training) and chained
// methods (`tensor.mul(...)`), the layers API, and the plain-JavaScript backend, always there as the fallback.
// The WebAssembly backend and tfjs-node are loaded on demand by backend.ts.
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
