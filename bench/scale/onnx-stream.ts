/**
 * Writing an ONNX file whose one big initializer never sits in memory whole: protobuf lets a
 * message's fields come in any order, so the file is the small parts encoded by the project's
 * ONNX writer (tools/onnx), then the graph, the initializer and its raw_data as hand-written
 * length-delimited fields whose lengths are known up front, the weights streamed last. A 1 GB
 * model is written in 1 GB of disk and a few MB of memory (protobufjs would need ~3 copies).
 */
import { onnx } from '../../tools/onnx/onnx-proto.js';

/** Protobuf base-128 varint (lengths here stay far below 2^53). */
export function varint(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

const LEN = 2;
/** The key and length of a length-delimited field (wire type 2) of `length` bytes. */
export function lengthPrefix(field: number, length: number): Uint8Array {
  return concat([varint((field << 3) | LEN), varint(length)]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;

const floatInfo = (name: string, dims: number[]) =>
  onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });

/** y[1, k] = x[1, k] · W[k, k]: the model without W's bytes; W is described by `weight`. */
function matmulModel(k: number, weight: onnx.ITensorProto): { model: onnx.ModelProto; graph: onnx.GraphProto } {
  const graph = onnx.GraphProto.create({
    name: 'scale',
    input: [floatInfo('x', [1, k])],
    output: [floatInfo('y', [1, k])],
    node: [{ opType: 'MatMul', input: ['x', 'W'], output: ['y'], name: 'matmul' }],
    initializer: [weight],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }], producerName: 'edgeserve-bench-scale', graph });
  return { model, graph };
}

const weightHeader = (k: number) => ({ name: 'W', dims: [k, k], dataType: onnx.TensorProto.DataType.FLOAT });

/**
 * The single-file model's bytes before W's raw data: the model's own fields, then graph →
 * initializer → raw_data headers. Its raw data (k·k·4 bytes) follows, and nothing after it.
 */
export function singleFileHead(k: number): Uint8Array {
  const rawBytes = k * k * 4;
  const { model, graph } = matmulModel(k, weightHeader(k));
  const tensorHead = onnx.TensorProto.encode(onnx.TensorProto.create(weightHeader(k))).finish();
  const tensorLength = tensorHead.length + lengthPrefix(TENSOR_RAW_DATA, rawBytes).length + rawBytes;
  const graphRest = onnx.GraphProto.encode(onnx.GraphProto.create({ ...graph, initializer: [] })).finish();
  const initializer = lengthPrefix(GRAPH_INITIALIZER, tensorLength);
  const graphLength = graphRest.length + initializer.length + tensorLength;
  const modelRest = onnx.ModelProto.encode(onnx.ModelProto.create({ ...model, graph: null })).finish();
  return concat([modelRest, lengthPrefix(MODEL_GRAPH, graphLength), graphRest, initializer, tensorHead, lengthPrefix(TENSOR_RAW_DATA, rawBytes)]);
}
