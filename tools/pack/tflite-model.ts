/**
 * What `pack` needs from a .tflite file, read from its flatbuffer without a library: the inputs
 * and outputs (names, dtypes, shapes) LiteRT.js will report, the custom ops it holds, and the
 * weights' type (the precision). Only the few tables of TFLite's schema.fbs used here are read:
 *   Model         { version, operator_codes: [OperatorCode], subgraphs: [SubGraph], description,
 *                   buffers, metadata_buffer, metadata, signature_defs: [SignatureDef] }
 *   OperatorCode  { deprecated_builtin_code: byte, custom_code: string, version, builtin_code: int }
 *   SubGraph      { tensors: [Tensor], inputs: [int], outputs: [int], operators, name }
 *   Tensor        { shape: [int], type: TensorType, buffer: uint, name, quantization, is_variable,
 *                   sparsity, shape_signature: [int] }
 *   SignatureDef  { inputs: [TensorMap], outputs: [TensorMap], signature_key, deprecated_tag,
 *                   subgraph_index }    TensorMap { name, tensor_index }
 * A model with signatures is run (by LiteRT.js) through its first one, under the signature's
 * names; one without runs subgraph 0, under its tensors' names.
 */
import type { Dim, Precision, TensorDtype, TensorSpec } from '../../src/manifest/schema.js';
import { ToolError } from '../tool-error.js';

/** TFLite's TensorType enum → the manifest's dtypes (the types with none are named in errors). */
const TENSOR_TYPES: Record<number, TensorDtype | string> = {
  0: 'float32',
  1: 'float16',
  2: 'int32',
  3: 'uint8',
  4: 'int64',
  5: 'string',
  6: 'bool',
  7: 'int16',
  8: 'complex64',
  9: 'int8',
  10: 'float64',
};
const MANIFEST_DTYPES = new Set<string>(['float32', 'float16', 'int32', 'int64', 'uint8', 'int8', 'bool']);
/** BuiltinOperator.CUSTOM: the op is named by custom_code, and only a runtime that registered that name runs it. */
const CUSTOM = 32;
/** BuiltinOperator.DEQUANTIZE: float16 or int8 weights turned to float32 at run time. */
const DEQUANTIZE = 6;

/** A flatbuffer table: field i's offset is read from its vtable. */
class Table {
  constructor(
    private readonly view: DataView,
    readonly pos: number,
  ) {}

  private field(i: number): number {
    const vtable = this.pos - this.view.getInt32(this.pos, true);
    const size = this.view.getUint16(vtable, true);
    const at = 4 + 2 * i;
    return at < size ? this.view.getUint16(vtable + at, true) : 0;
  }

  u8(i: number, fallback = 0): number {
    const o = this.field(i);
    return o ? this.view.getUint8(this.pos + o) : fallback;
  }

  u32(i: number, fallback = 0): number {
    const o = this.field(i);
    return o ? this.view.getUint32(this.pos + o, true) : fallback;
  }

  i32(i: number, fallback = 0): number {
    const o = this.field(i);
    return o ? this.view.getInt32(this.pos + o, true) : fallback;
  }

  /** Where an offset field points (a table, vector or string), or undefined when absent. */
  private target(i: number): number | undefined {
    const o = this.field(i);
    return o ? this.pos + o + this.view.getUint32(this.pos + o, true) : undefined;
  }

  string(i: number): string | undefined {
    const at = this.target(i);
    if (at === undefined) return undefined;
    const length = this.view.getUint32(at, true);
    return new TextDecoder().decode(new Uint8Array(this.view.buffer, this.view.byteOffset + at + 4, length));
  }

  ints(i: number): number[] | undefined {
    const at = this.target(i);
    if (at === undefined) return undefined;
    const length = this.view.getUint32(at, true);
    return Array.from({ length }, (_, k) => this.view.getInt32(at + 4 + 4 * k, true));
  }

  tables(i: number): Table[] {
    const at = this.target(i);
    if (at === undefined) return [];
    const length = this.view.getUint32(at, true);
    return Array.from({ length }, (_, k) => {
      const slot = at + 4 + 4 * k;
      return new Table(this.view, slot + this.view.getUint32(slot, true));
    });
  }
}

export interface TfliteModelInfo {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** custom_code of every CUSTOM operator code (MediaPipe's own ops, say): LiteRT.js runs only those it registered. */
  customOps: string[];
  /**
   * int8 for a quantized model (int8/uint8 tensors), else fp32 — also when its weights are stored
   * as float16 and dequantized at load (MediaPipe ships its models so): it computes, takes and
   * gives float32, and is the model's only file, so `load(id)` (fp32) must find it.
   */
  precision: Precision;
  /** How the weights are stored when not as the precision says (the variant's recipe). */
  storedAs?: string;
  /** The schema version the file says it is (3 for every TFLite model in use). */
  schemaVersion: number;
}

function root(bytes: Uint8Array, path: string): Table {
  if (bytes.byteLength < 8 || new TextDecoder().decode(bytes.subarray(4, 8)) !== 'TFL3') {
    throw new ToolError('UNSUPPORTED_FORMAT', `${path} is not a TFLite model (no TFL3 file identifier)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new Table(view, view.getUint32(0, true));
}

/** A dim LiteRT.js resizes (-1 in shape_signature) is symbolic; the batch dim is named as ONNX exports name it. */
function dimsOf(tensor: Table): Dim[] {
  const shape = tensor.ints(0) ?? [];
  const signature = tensor.ints(7);
  return shape.map((d, k) => ((signature?.[k] ?? d) < 0 ? (k === 0 ? 'batch' : `d${k}`) : d));
}

function specOf(tensor: Table, name: string, path: string): TensorSpec {
  const type = tensor.u8(1);
  const dtype = TENSOR_TYPES[type] ?? `type ${type}`;
  if (!MANIFEST_DTYPES.has(dtype)) throw new ToolError('UNSUPPORTED_MODEL', `${path}: ${name} is ${dtype}, which no manifest dtype (and no LiteRT.js tensor) holds`);
  return { name, dtype: dtype as TensorDtype, dims: dimsOf(tensor) };
}

function precisionOf(subgraph: Table, opcodes: Table[], operators: Table[]): Pick<TfliteModelInfo, 'precision' | 'storedAs'> {
  const types = subgraph.tables(0).map((t) => t.u8(1));
  const dequantized = operators.some((op) => {
    const code = opcodes[op.u32(0)];
    return code !== undefined && Math.max(code.u8(0), code.i32(3)) === DEQUANTIZE;
  });
  if (types.some((t) => t === 9 || t === 3)) return { precision: 'int8' };
  if (dequantized && types.some((t) => t === 1)) return { precision: 'fp32', storedAs: 'weights stored as float16, dequantized at load' };
  return { precision: 'fp32' };
}

export function readTfliteModel(bytes: Uint8Array, path = 'model.tflite'): TfliteModelInfo {
  try {
    return read(bytes, path);
  } catch (error) {
    if (error instanceof ToolError) throw error;
    // An offset past the end: a file cut short, or not a flatbuffer at all.
    throw new ToolError(
      'TRUNCATED',
      `${path} says it is a TFLite model (TFL3) but its flatbuffer cannot be read (${error instanceof Error ? error.message : String(error)}): truncated?`,
    );
  }
}

function read(bytes: Uint8Array, path: string): TfliteModelInfo {
  const model = root(bytes, path);
  const opcodes = model.tables(1);
  const subgraphs = model.tables(2);
  const main = subgraphs[0];
  if (!main) throw new ToolError('UNSUPPORTED_MODEL', `${path} has no subgraph`);
  const signature = model.tables(7)[0];
  let inputs: TensorSpec[];
  let outputs: TensorSpec[];
  if (signature) {
    const graph = subgraphs[signature.u32(4)] ?? main;
    const tensors = graph.tables(0);
    const side = (i: number) =>
      signature.tables(i).map((entry) => {
        const tensor = tensors[entry.u32(1)];
        if (!tensor) throw new ToolError('UNSUPPORTED_MODEL', `${path}: signature names tensor ${entry.u32(1)}, which its subgraph lacks`);
        return specOf(tensor, entry.string(0) ?? '', path);
      });
    inputs = side(0);
    outputs = side(1);
  } else {
    const tensors = main.tables(0);
    const side = (i: number) => (main.ints(i) ?? []).map((k) => specOf(tensors[k]!, tensors[k]!.string(3) ?? `tensor_${k}`, path));
    inputs = side(1);
    outputs = side(2);
  }
  const customOps = [...new Set(opcodes.filter((c) => Math.max(c.u8(0), c.i32(3)) === CUSTOM).map((c) => c.string(1) ?? ''))];
  return { inputs, outputs, customOps, ...precisionOf(main, opcodes, main.tables(3)), schemaVersion: model.u32(0) };
}
