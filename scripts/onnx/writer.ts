// A small ONNX writer: the protobuf wire format for the fields of onnx.proto a
// hand-built graph needs (nodes, attributes, initializers as raw data, typed
// inputs and outputs with named or fixed dimensions). Enough for the tiny
// idefics3-format test model and the benchmark's one-node model; not a general
// protobuf library.

type Bytes = number[];

function varint(v: number | bigint): Bytes {
  // int64 fields are two's complement on 64 bits: a negative value takes ten bytes.
  let n = BigInt.asUintN(64, BigInt(v));
  const out: Bytes = [];
  while (n > 127n) {
    out.push(Number(n & 127n) | 128);
    n >>= 7n;
  }
  out.push(Number(n));
  return out;
}
const key = (field: number, wire: number) => varint(field * 8 + wire);
const int = (field: number, v: number | bigint) => [...key(field, 0), ...varint(v)];
const msg = (field: number, b: Bytes) => [...key(field, 2), ...varint(b.length), ...b];
const str = (field: number, s: string) => msg(field, [...new TextEncoder().encode(s)]);
function float32(field: number, v: number): Bytes {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return [...key(field, 5), ...b];
}

/** ONNX TensorProto.DataType values used here. */
const DType = { float: 1, int32: 6, int64: 7, bool: 9 } as const;
type DTypeName = keyof typeof DType;

/** A dimension: a fixed size or a symbolic name (onnxruntime reports it as that name). */
type Dim = number | string;

interface ValueInfo {
  name: string;
  type: DTypeName;
  dims: Dim[];
}

type AttrValue = number | string | number[] | { float: number } | { floats: number[] };

export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Record<string, AttrValue>;
}

export interface Initializer {
  name: string;
  type: 'float' | 'int64';
  dims: number[];
  data: Float32Array | BigInt64Array;
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: Initializer[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

function attribute(name: string, v: AttrValue): Bytes {
  // AttributeProto: name 1, f 2, i 3, s 4, floats 7, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7).
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute ${name}: ${v} is not an integer; write { float: ${v} }`);
    return [...str(1, name), ...int(3, v), ...int(20, 2)];
  }
  if (typeof v === 'string') return [...str(1, name), ...str(4, v), ...int(20, 3)];
  if (Array.isArray(v)) return [...str(1, name), ...v.flatMap((x) => int(8, x)), ...int(20, 7)];
  if ('float' in v) return [...str(1, name), ...float32(2, v.float), ...int(20, 1)];
  return [...str(1, name), ...v.floats.flatMap((x) => float32(7, x)), ...int(20, 6)];
}

function node(n: OnnxNode, i: number): Bytes {
  return [
    ...n.inputs.flatMap((s) => str(1, s)),
    ...n.outputs.flatMap((s) => str(2, s)),
    ...str(3, `${n.op}_${i}`),
    ...str(4, n.op),
    ...Object.entries(n.attrs ?? {}).flatMap(([k, v]) => msg(5, attribute(k, v))),
  ];
}

function tensor(t: Initializer): Bytes {
  const size = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== size) throw new Error(`initializer ${t.name}: ${t.data.length} values for dims [${t.dims}]`);
  const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  // TensorProto: dims 1, data_type 2, name 8, raw_data 9 (little-endian, as typed arrays are here).
  return [...t.dims.flatMap((d) => int(1, d)), ...int(2, DType[t.type]), ...str(8, t.name), ...msg(9, [...raw])];
}

function valueInfo(v: ValueInfo): Bytes {
  // TensorShapeProto.Dimension: dim_value 1, dim_param 2.
  const shape = v.dims.flatMap((d) => msg(1, typeof d === 'number' ? int(1, d) : str(2, d)));
  const tensorType = [...int(1, DType[v.type]), ...msg(2, shape)];
  return [...str(1, v.name), ...msg(2, msg(1, tensorType))];
}

/** A ModelProto (IR version 8, the default ONNX domain at `opset`) as bytes. */
export function encodeModel(g: OnnxGraph, opset = 17, producer = 'mirl-playground'): Uint8Array {
  const graph = [
    ...g.nodes.flatMap((n, i) => msg(1, node(n, i))),
    ...str(2, g.name),
    ...g.initializers.flatMap((t) => msg(5, tensor(t))),
    ...g.inputs.flatMap((v) => msg(11, valueInfo(v))),
    ...g.outputs.flatMap((v) => msg(12, valueInfo(v))),
  ];
  return Uint8Array.from([
    ...int(1, 8),
    ...str(2, producer),
    ...msg(7, graph),
    ...msg(8, [...str(1, ''), ...int(2, opset)]),
  ]);
}
