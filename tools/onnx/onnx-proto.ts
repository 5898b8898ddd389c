/**
 * ONNX messages read and written by protobufjs *reflection* over the committed onnx.proto, with
 * a thin typed layer for the messages the tools touch. No generated code: the schema is parsed
 * on first use (about as fast as static code for a whole model) and the encoder writes fields
 * in field-number order, so unchanged models round-trip byte-identically.
 *
 * The .proto is found next to this module, so the same URL works from tools/ under tsx and from
 * dist/cli/tools/onnx/ once compiled (`npm run build:cli` copies onnx.proto there).
 */
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import type { Int64 } from './long-int.js';

/** Field names are camelCase (protobufjs's default), as the generated code had them. */
function loadRoot(): protobuf.Root {
  return protobuf.loadSync(fileURLToPath(new URL('./onnx.proto', import.meta.url)));
}

/**
 * Memoised parse. The schema is immutable once parsed, so this is a cache of a constant rather
 * than state: nothing can change it, and a failed parse is not remembered (the next call retries).
 */
const schema: { root?: protobuf.Root } = {};
function lookup(name: string): protobuf.Type {
  schema.root ??= loadRoot();
  return schema.root.lookupType(`onnx.${name}`);
}

export interface Codec<I, M extends I> {
  create(props?: I): M;
  decode(bytes: Uint8Array): M;
  encode(message: I): { finish(): Uint8Array };
}

function codec<I, M extends I>(name: string): Codec<I, M> {
  return {
    create: (props) => lookup(name).create(props as Record<string, unknown> | undefined) as unknown as M,
    decode: (bytes) => lookup(name).decode(bytes) as unknown as M,
    encode: (message) => lookup(name).encode(message as Record<string, unknown>),
  };
}

const DataType = {
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
  FLOAT8E4M3FN: 17,
  FLOAT8E4M3FNUZ: 18,
  FLOAT8E5M2: 19,
  FLOAT8E5M2FNUZ: 20,
  UINT4: 21,
  INT4: 22,
  FLOAT4E2M1: 23,
  FLOAT8E8M0: 24,
  UINT2: 25,
  INT2: 26,
} as const;
const DataLocation = { DEFAULT: 0, EXTERNAL: 1 } as const;
const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

type Opt<T> = T | null | undefined;

/**
 * `I…` types are what a caller may pass (every field optional); the plain names are decoded or
 * created messages, where repeated fields are always arrays and scalars read their defaults.
 * Only the fields the tools use are typed; the rest still round-trip untouched.
 */
// eslint-disable-next-line @typescript-eslint/no-namespace
export declare namespace onnx {
  interface IStringStringEntryProto {
    key?: Opt<string>;
    value?: Opt<string>;
  }
  interface StringStringEntryProto extends IStringStringEntryProto {
    key: string;
    value: string;
  }
  interface IOperatorSetIdProto {
    domain?: Opt<string>;
    version?: Opt<Int64>;
  }
  interface OperatorSetIdProto extends IOperatorSetIdProto {
    domain: string;
    version: Int64;
  }
  interface ITensorProto {
    dims?: Opt<Int64[]>;
    dataType?: Opt<number>;
    floatData?: Opt<number[]>;
    int32Data?: Opt<number[]>;
    int64Data?: Opt<Int64[]>;
    name?: Opt<string>;
    docString?: Opt<string>;
    rawData?: Opt<Uint8Array>;
    externalData?: Opt<IStringStringEntryProto[]>;
    dataLocation?: Opt<number>;
  }
  interface TensorProto extends ITensorProto {
    dims: Int64[];
    dataType: number;
    floatData: number[];
    int32Data: number[];
    int64Data: Int64[];
    name: string;
    rawData: Uint8Array;
    externalData: IStringStringEntryProto[];
    dataLocation: number;
  }
  interface ISparseTensorProto {
    values?: Opt<ITensorProto>;
    indices?: Opt<ITensorProto>;
    dims?: Opt<Int64[]>;
  }
  interface ITensorShapeProtoDimension {
    dimValue?: Opt<Int64>;
    dimParam?: Opt<string>;
    denotation?: Opt<string>;
  }
  interface ITensorShapeProto {
    dim?: Opt<ITensorShapeProtoDimension[]>;
  }
  interface ITypeProtoTensor {
    elemType?: Opt<number>;
    shape?: Opt<ITensorShapeProto>;
  }
  interface ITypeProto {
    tensorType?: Opt<ITypeProtoTensor>;
    denotation?: Opt<string>;
  }
  interface IValueInfoProto {
    name?: Opt<string>;
    type?: Opt<ITypeProto>;
    docString?: Opt<string>;
  }
  interface ValueInfoProto extends IValueInfoProto {
    name: string;
  }
  interface IAttributeProto {
    name?: Opt<string>;
    type?: Opt<number>;
    f?: Opt<number>;
    i?: Opt<Int64>;
    s?: Opt<Uint8Array>;
    t?: Opt<ITensorProto>;
    g?: Opt<IGraphProto>;
    floats?: Opt<number[]>;
    ints?: Opt<Int64[]>;
    tensors?: Opt<ITensorProto[]>;
    graphs?: Opt<IGraphProto[]>;
  }
  interface AttributeProto extends IAttributeProto {
    name: string;
    type: number;
  }
  interface INodeProto {
    input?: Opt<string[]>;
    output?: Opt<string[]>;
    name?: Opt<string>;
    opType?: Opt<string>;
    domain?: Opt<string>;
    attribute?: Opt<IAttributeProto[]>;
    docString?: Opt<string>;
  }
  interface NodeProto extends INodeProto {
    input: string[];
    output: string[];
    name: string;
    opType: string;
    domain: string;
    attribute: IAttributeProto[];
  }
  interface IGraphProto {
    node?: Opt<INodeProto[]>;
    name?: Opt<string>;
    initializer?: Opt<ITensorProto[]>;
    sparseInitializer?: Opt<ISparseTensorProto[]>;
    input?: Opt<IValueInfoProto[]>;
    output?: Opt<IValueInfoProto[]>;
    valueInfo?: Opt<IValueInfoProto[]>;
  }
  interface GraphProto extends IGraphProto {
    node: INodeProto[];
    initializer: ITensorProto[];
    input: IValueInfoProto[];
    output: IValueInfoProto[];
  }
  interface IFunctionProto {
    name?: Opt<string>;
    node?: Opt<INodeProto[]>;
    opsetImport?: Opt<IOperatorSetIdProto[]>;
    domain?: Opt<string>;
  }
  interface IModelProto {
    irVersion?: Opt<Int64>;
    opsetImport?: Opt<IOperatorSetIdProto[]>;
    producerName?: Opt<string>;
    producerVersion?: Opt<string>;
    domain?: Opt<string>;
    modelVersion?: Opt<Int64>;
    docString?: Opt<string>;
    graph?: Opt<IGraphProto>;
    metadataProps?: Opt<IStringStringEntryProto[]>;
    functions?: Opt<IFunctionProto[]>;
  }
  interface ModelProto extends IModelProto {
    irVersion: Int64;
    opsetImport: IOperatorSetIdProto[];
    metadataProps: IStringStringEntryProto[];
    functions: IFunctionProto[];
  }
}

export const onnx = {
  ModelProto: codec<onnx.IModelProto, onnx.ModelProto>('ModelProto'),
  GraphProto: codec<onnx.IGraphProto, onnx.GraphProto>('GraphProto'),
  NodeProto: codec<onnx.INodeProto, onnx.NodeProto>('NodeProto'),
  AttributeProto: { ...codec<onnx.IAttributeProto, onnx.AttributeProto>('AttributeProto'), AttributeType },
  TensorProto: { ...codec<onnx.ITensorProto, onnx.TensorProto>('TensorProto'), DataType, DataLocation },
  ValueInfoProto: codec<onnx.IValueInfoProto, onnx.ValueInfoProto>('ValueInfoProto'),
  OperatorSetIdProto: codec<onnx.IOperatorSetIdProto, onnx.OperatorSetIdProto>('OperatorSetIdProto'),
  StringStringEntryProto: codec<onnx.IStringStringEntryProto, onnx.StringStringEntryProto>('StringStringEntryProto'),
};

/** The enum values above, as the schema defines them (a test checks they agree). */
export function schemaEnum(path: string): Record<string, number> {
  schema.root ??= loadRoot();
  return schema.root.lookupEnum(`onnx.${path}`).values;
}
