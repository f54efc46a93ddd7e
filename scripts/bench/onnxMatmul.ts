// A one-node ONNX model (Y = A @ B, float32), so the benchmark needs no model file.

import { encodeModel } from '../onnx/writer';

export function matmulModel(M: number, N: number, K: number): Uint8Array {
  return encodeModel(
    {
      name: 'matmul',
      nodes: [{ op: 'MatMul', inputs: ['A', 'B'], outputs: ['Y'] }],
      initializers: [],
      inputs: [
        { name: 'A', type: 'float', dims: [M, K] },
        { name: 'B', type: 'float', dims: [K, N] },
      ],
      outputs: [{ name: 'Y', type: 'float', dims: [M, N] }],
    },
    17,
    'mirl-bench',
  );
}
