// The parts of TensorFlow.js this package uses, as one `tf` namespace: the core ops, the layers API
// (whose Node build also registers the ops' gradients, which training needs) and the plain-JavaScript
// backend, always there as the fallback. The `@tensorflow/tfjs` bundle would add WebGL, the graph-model
// converter and tf.data, about 250 MB in node_modules that no node needs. Without that bundle tensors
// have no chained methods: write `tf.mul(a, b)`, not `a.mul(b)`.
// The WebAssembly backend and tfjs-node are loaded on demand by backend.ts.
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
