// A one-node ONNX model (Y = A @ B, float32) encoded by hand, so the benchmark
// needs no model file: the protobuf wire format for the few fields used.

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}
const key = (field: number, wire: number) => varint(field * 8 + wire);
const int = (field: number, v: number) => [...key(field, 0), ...varint(v)];
const bytes = (field: number, b: number[]) => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => bytes(field, [...new TextEncoder().encode(s)]);

function valueInfo(name: string, dims: number[]): number[] {
  const shape = dims.flatMap((d) => bytes(1, int(1, d)));
  const tensorType = [...int(1, 1 /* FLOAT */), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

export function matmulModel(M: number, N: number, K: number): Uint8Array {
  const node = [...str(1, 'A'), ...str(1, 'B'), ...str(2, 'Y'), ...str(3, 'mm'), ...str(4, 'MatMul')];
  const graph = [
    ...bytes(1, node),
    ...str(2, 'matmul'),
    ...bytes(11, valueInfo('A', [M, K])),
    ...bytes(11, valueInfo('B', [K, N])),
    ...bytes(12, valueInfo('Y', [M, N])),
  ];
  const model = [...int(1, 8), ...str(2, 'mirl-bench'), ...bytes(7, graph), ...bytes(8, [...str(1, ''), ...int(2, 17)])];
  return Uint8Array.from(model);
}
