/**
 * A single-file ONNX model, re-expressed as a small graph plus external data that IS the original
 * file: every large `raw_data` initializer becomes an external reference (location, offset,
 * length) into the file's own bytes, which are then mounted unchanged as the data file.
 *
 * Why: handed a whole model, onnxruntime-web copies it into the WASM heap, parses it (a second
 * copy), turns its initializers into tensors (a third) and prepacks MatMul weights (a fourth), and
 * the heap never shrinks. With external data the weights reach the heap once, slice by slice, from
 * the mounted bytes. No weight byte is copied here: only the protobuf framing around the moved
 * tensors is rewritten (their length prefixes, and those of the graph and model that hold them).
 *
 * Wire format walked (onnx.proto): ModelProto.graph = 7; GraphProto.initializer = 5
 * (TensorProto); TensorProto.raw_data = 9, external_data = 13 (StringStringEntryProto key = 1,
 * value = 2), data_location = 14 (EXTERNAL = 1); GraphProto.node = 1 (NodeProto op_type = 4,
 * domain = 7, attribute = 5: AttributeProto name = 1, t = 5) for Constant nodes' `value`. Anything
 * else (other nodes, subgraphs, sparse initializers, float_data tensors) is copied byte for byte.
 */

const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const GRAPH_NODE = 1;
const NODE_OP_TYPE = 4;
const NODE_DOMAIN = 7;
const NODE_ATTRIBUTE = 5;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_TENSOR = 5;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const LOCATION_EXTERNAL = 1;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

/** One field of a message: where it starts (its tag), where its payload starts and ends. */
export interface Field {
  number: number;
  wire: number;
  start: number;
  payload: number;
  end: number;
}

export class NotOnnx extends Error {}

/** Varints here can exceed 2^32 (offsets into a >4 GB file), so no 32-bit bitwise arithmetic. */
function readVarint(bytes: Uint8Array, at: number, end: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < end && i < at + 10; i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, i + 1];
    scale *= 128;
  }
  throw new NotOnnx('bad varint');
}

function varint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

export function* fields(bytes: Uint8Array, start: number, end: number): Generator<Field> {
  let at = start;
  while (at < end) {
    const [tag, payload] = readVarint(bytes, at, end);
    const wire = tag % 8;
    const number = Math.floor(tag / 8);
    let fieldEnd: number;
    let body = payload;
    if (wire === WIRE_VARINT) fieldEnd = readVarint(bytes, payload, end)[1];
    else if (wire === WIRE_FIXED64) fieldEnd = payload + 8;
    else if (wire === WIRE_FIXED32) fieldEnd = payload + 4;
    else if (wire === WIRE_BYTES) {
      const [length, next] = readVarint(bytes, payload, end);
      body = next;
      fieldEnd = next + length;
    } else throw new NotOnnx(`wire type ${wire}`); // groups: not in onnx.proto
    if (number === 0 || fieldEnd > end) throw new NotOnnx('field past its message');
    yield { number, wire, start: at, payload: body, end: fieldEnd };
    at = fieldEnd;
  }
}

/** A message being rebuilt: views into the original bytes and a few new framing bytes. */
class Parts {
  readonly list: Uint8Array[] = [];
  length = 0;
  push(part: Uint8Array): void {
    this.list.push(part);
    this.length += part.byteLength;
  }
  append(other: Parts): void {
    for (const part of other.list) this.push(part);
  }
}

const text = new TextEncoder();
const utf8 = new TextDecoder();

function bytesField(number: number, payload: Uint8Array | Parts): Parts {
  const out = new Parts();
  out.push(varint(number * 8 + WIRE_BYTES));
  out.push(varint(payload.length));
  if (payload instanceof Parts) out.append(payload);
  else out.push(payload);
  return out;
}

function entry(key: string, value: string): Parts {
  const kv = new Parts();
  kv.append(bytesField(1, text.encode(key)));
  kv.append(bytesField(2, text.encode(value)));
  return bytesField(TENSOR_EXTERNAL_DATA, kv);
}

interface Rewrite {
  location: string;
  minBytes: number;
  moved: number;
  movedBytes: number;
  largest: number;
}

/** A TensorProto whose raw_data is big enough to move, as an external one; else undefined. */
function externalTensor(bytes: Uint8Array, start: number, end: number, rewrite: Rewrite): Parts | undefined {
  let raw: Field | undefined;
  for (const f of fields(bytes, start, end)) {
    if (f.number === TENSOR_RAW_DATA && f.wire === WIRE_BYTES) raw = f;
    // Already external (or a location we do not know): leave it as it is.
    if (f.number === TENSOR_EXTERNAL_DATA || f.number === TENSOR_DATA_LOCATION) return undefined;
  }
  if (!raw || raw.end - raw.payload < rewrite.minBytes) return undefined;
  const out = new Parts();
  for (const f of fields(bytes, start, end)) if (f !== raw && f.number !== TENSOR_RAW_DATA) out.push(bytes.subarray(f.start, f.end));
  out.append(entry('location', rewrite.location));
  out.append(entry('offset', String(raw.payload)));
  out.append(entry('length', String(raw.end - raw.payload)));
  out.push(varint(TENSOR_DATA_LOCATION * 8 + WIRE_VARINT));
  out.push(varint(LOCATION_EXTERNAL));
  rewrite.moved += 1;
  rewrite.movedBytes += raw.end - raw.payload;
  rewrite.largest = Math.max(rewrite.largest, raw.end - raw.payload);
  return out;
}

/** Rebuilds a message, replacing the length-delimited fields that `rebuild` returns new content for. */
function rebuildMessage(bytes: Uint8Array, start: number, end: number, rebuild: (f: Field) => Parts | undefined): Parts {
  const out = new Parts();
  for (const f of fields(bytes, start, end)) {
    const content = f.wire === WIRE_BYTES ? rebuild(f) : undefined;
    if (content) out.append(bytesField(f.number, content));
    else out.push(bytes.subarray(f.start, f.end));
  }
  return out;
}

export function stringField(bytes: Uint8Array, start: number, end: number, number: number): string | undefined {
  for (const f of fields(bytes, start, end)) if (f.number === number && f.wire === WIRE_BYTES) return utf8.decode(bytes.subarray(f.payload, f.end));
  return undefined;
}

/**
 * A Constant node's `value` tensor, as external: exporters such as Paddle's keep every weight
 * this way rather than as initializers. onnxruntime turns Constant nodes into initializers by
 * copying the tensor, external data reference included.
 */
function externalConstant(bytes: Uint8Array, node: Field, rewrite: Rewrite): Parts | undefined {
  if (stringField(bytes, node.payload, node.end, NODE_OP_TYPE) !== 'Constant' || (stringField(bytes, node.payload, node.end, NODE_DOMAIN) ?? '') !== '') return undefined;
  const before = rewrite.moved;
  const out = rebuildMessage(bytes, node.payload, node.end, (attribute) =>
    attribute.number !== NODE_ATTRIBUTE || stringField(bytes, attribute.payload, attribute.end, ATTRIBUTE_NAME) !== 'value'
      ? undefined
      : rebuildMessage(bytes, attribute.payload, attribute.end, (t) => (t.number === ATTRIBUTE_TENSOR ? externalTensor(bytes, t.payload, t.end, rewrite) : undefined)),
  );
  return rewrite.moved > before ? out : undefined;
}

export interface ExternalizedModel {
  /** The small graph: the model with its large initializers pointing into the original bytes. */
  graph: Uint8Array;
  /** Initializers moved, and their bytes (which stay where they were, in the original file). */
  moved: number;
  movedBytes: number;
  /** The largest moved tensor's bytes (WebGPU holds each in one buffer). */
  largestTensor: number;
}

/**
 * The model's graph with every `raw_data` initializer of at least `minBytes` made external, at
 * `location` (the name the original bytes are mounted under). Undefined when nothing would move
 * or the bytes are not an ONNX protobuf this walk understands: the caller then hands the model to
 * the engine as it is, and the engine reports on it.
 */
export function externalizeInitializers(model: Uint8Array, location: string, minBytes = 1024): ExternalizedModel | undefined {
  const rewrite: Rewrite = { location, minBytes, moved: 0, movedBytes: 0, largest: 0 };
  let parts: Parts;
  try {
    parts = rebuildMessage(model, 0, model.byteLength, (graph) =>
      graph.number !== MODEL_GRAPH
        ? undefined
        : rebuildMessage(model, graph.payload, graph.end, (f) =>
            f.number === GRAPH_INITIALIZER ? externalTensor(model, f.payload, f.end, rewrite) : f.number === GRAPH_NODE ? externalConstant(model, f, rewrite) : undefined,
          ),
    );
  } catch (error) {
    if (error instanceof NotOnnx) return undefined;
    throw error;
  }
  if (rewrite.moved === 0) return undefined;
  const graph = new Uint8Array(parts.length);
  let at = 0;
  for (const part of parts.list) {
    graph.set(part, at);
    at += part.byteLength;
  }
  return { graph, moved: rewrite.moved, movedBytes: rewrite.movedBytes, largestTensor: rewrite.largest };
}

/**
 * The data files a graph's initializers name (their `location`), in order of first mention, and
 * the largest `length` among them; none when the bytes are not a protobuf this walk understands.
 */
export function externalReferences(model: Uint8Array): { locations: string[]; largestTensor: number } {
  const locations = new Set<string>();
  let largestTensor = 0;
  try {
    for (const graph of fields(model, 0, model.byteLength)) {
      if (graph.number !== MODEL_GRAPH || graph.wire !== WIRE_BYTES) continue;
      for (const tensor of fields(model, graph.payload, graph.end)) {
        if (tensor.number !== GRAPH_INITIALIZER || tensor.wire !== WIRE_BYTES) continue;
        for (const kv of fields(model, tensor.payload, tensor.end)) {
          if (kv.number !== TENSOR_EXTERNAL_DATA || kv.wire !== WIRE_BYTES) continue;
          const entry = new Map<number, string>();
          for (const f of fields(model, kv.payload, kv.end)) entry.set(f.number, utf8.decode(model.subarray(f.payload, f.end)));
          if (entry.get(1) === 'location' && entry.has(2)) locations.add(entry.get(2)!);
          if (entry.get(1) === 'length') largestTensor = Math.max(largestTensor, Number(entry.get(2)) || 0);
        }
      }
    }
  } catch (error) {
    if (error instanceof NotOnnx) return { locations: [], largestTensor: 0 };
    throw error;
  }
  return { locations: [...locations], largestTensor };
}

export const externalLocations = (model: Uint8Array): string[] => externalReferences(model).locations;
