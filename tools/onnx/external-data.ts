/**
 * ONNX external data: tensors whose bytes live in files beside the graph (`model.onnx` +
 * `model.onnx_data`), named by TensorProto.external_data (location, offset, length) with
 * data_location EXTERNAL. Models over protobuf's 2 GB limit only exist this way, so the tools
 * must find these files (pack records them), read them (quantize) and write them (externalize).
 */
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { onnx } from './onnx-proto.js';
import { ToolError } from '../tool-error.js';

/** onnx's default for convert_model_to_external_data: smaller tensors stay in the graph. */
export const DEFAULT_EXTERNAL_THRESHOLD = 1024;
/**
 * Tensors of at least this many bytes start at a multiple of EXTERNAL_ALIGNMENT, as
 * onnxruntime's own external-data writer does (align_threshold 1 MiB, factor 4096) and as
 * onnx's ExternalData.md asks ("offset values SHOULD be multiples of the page size") so a
 * runtime may map them; smaller ones follow each other, as onnx's Python writer places them.
 */
export const EXTERNAL_ALIGN_THRESHOLD = 1024 * 1024;
export const EXTERNAL_ALIGNMENT = 4096;

const { EXTERNAL } = onnx.TensorProto.DataLocation;

export function isExternal(t: onnx.ITensorProto): boolean {
  return t.dataLocation === EXTERNAL;
}

function graphTensors(graph: onnx.IGraphProto | null | undefined, out: onnx.ITensorProto[], initializersOnly: boolean): void {
  if (!graph) return;
  out.push(...(graph.initializer ?? []));
  if (!initializersOnly)
    graph.sparseInitializer?.forEach((s) => {
      if (s.values) out.push(s.values);
      if (s.indices) out.push(s.indices);
    });
  for (const node of graph.node ?? []) {
    for (const a of node.attribute ?? []) {
      if (!initializersOnly) {
        if (a.t) out.push(a.t);
        out.push(...(a.tensors ?? []));
      }
      graphTensors(a.g, out, initializersOnly);
      a.graphs?.forEach((g) => graphTensors(g, out, initializersOnly));
    }
  }
}

/**
 * Every tensor that may hold data: initializers of the graph and its subgraphs (If, Loop, Scan
 * bodies), sparse initializers, and tensors in node attributes, functions' included.
 */
export function modelTensors(model: onnx.IModelProto, initializersOnly = false): onnx.ITensorProto[] {
  const out: onnx.ITensorProto[] = [];
  graphTensors(model.graph, out, initializersOnly);
  if (!initializersOnly) for (const f of model.functions ?? []) graphTensors({ node: f.node ?? [] }, out, false);
  return out;
}

export interface ExternalRef {
  location: string;
  offset: number;
  length?: number;
}

/**
 * A location is relative to the graph's folder and may not climb out of it (ExternalData.md:
 * "up-directory path components such as .. are disallowed"): a manifest URL and the engine's
 * mount are both built from it.
 */
export function checkLocation(location: string, tensor: string): string {
  const norm = normalize(location).split(sep).join('/');
  if (location === '' || isAbsolute(location) || /^[a-zA-Z]:/.test(location) || norm === '..' || norm.startsWith('../') || norm.startsWith('/')) {
    throw new ToolError('UNSUPPORTED_MODEL', `tensor ${tensor}: external data location "${location}" must be a path inside the model's folder`);
  }
  return location;
}

function nonNegativeInt(value: string | undefined, what: string, tensor: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new ToolError('UNSUPPORTED_MODEL', `tensor ${tensor}: external data ${what} "${value}" is not a byte count`);
  return n;
}

export function externalRef(t: onnx.ITensorProto): ExternalRef | undefined {
  if (!isExternal(t)) return undefined;
  const kv = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const name = t.name ?? '(unnamed)';
  const location = kv.get('location');
  if (!location) throw new ToolError('UNSUPPORTED_MODEL', `tensor ${name}: external data without a location`);
  const length = nonNegativeInt(kv.get('length'), 'length', name);
  return { location: checkLocation(location, name), offset: nonNegativeInt(kv.get('offset'), 'offset', name) ?? 0, ...(length !== undefined ? { length } : {}) };
}

/** The external data files a model names, in the order its tensors first name them. */
export function externalDataFiles(model: onnx.IModelProto): string[] {
  const files = new Set<string>();
  for (const t of modelTensors(model)) {
    const ref = externalRef(t);
    if (ref) files.add(ref.location);
  }
  return [...files];
}

/** The data files, checked to exist beside the graph; a missing one is named, with the graph that needs it. */
export function requireExternalDataFiles(model: onnx.IModelProto, baseDir: string, graphLabel: string): { location: string; path: string }[] {
  return externalDataFiles(model).map((location) => {
    const path = join(baseDir, location);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new ToolError(
        'NOT_FOUND',
        `${graphLabel} keeps weights in external data file "${location}", which is missing (looked for ${path}); ` +
          'keep the data files beside the graph file, as the model was exported',
      );
    }
    return { location, path };
  });
}

/** A tensor's bytes from its external file (`files` caches each file's bytes: one read per file). */
export function readExternalBytes(t: onnx.ITensorProto, baseDir: string, files: Map<string, Uint8Array> = new Map()): Uint8Array {
  const ref = externalRef(t);
  if (!ref) throw new ToolError('UNSUPPORTED_MODEL', `tensor ${t.name}: not stored externally`);
  let file = files.get(ref.location);
  if (!file) {
    const path = join(baseDir, ref.location);
    if (!existsSync(path)) throw new ToolError('NOT_FOUND', `external data file "${ref.location}" of tensor ${t.name} is missing (looked for ${path})`);
    file = readFileSync(path);
    files.set(ref.location, file);
  }
  const length = ref.length ?? file.length - ref.offset;
  if (ref.offset + length > file.length) {
    throw new ToolError('TRUNCATED', `external data file "${ref.location}" has ${file.length} bytes; tensor ${t.name} needs ${length} from offset ${ref.offset}`);
  }
  return file.subarray(ref.offset, ref.offset + length);
}

/**
 * Brings every external tensor's bytes into raw_data (onnx's load_external_data_for_model), so
 * the model can be encoded as one buffer — for onnxruntime in Node, or for tools that rewrite
 * weights. Returns the locations that were read.
 */
export function inlineExternalData(model: onnx.IModelProto, baseDir: string): string[] {
  const files = new Map<string, Uint8Array>();
  for (const t of modelTensors(model)) {
    if (!isExternal(t)) continue;
    t.rawData = readExternalBytes(t, baseDir, files);
    t.externalData = [];
    // Unset rather than DEFAULT: an explicitly set proto2 field is encoded, and the model should
    // encode as the single-file model it came from.
    delete t.dataLocation;
  }
  return [...files.keys()];
}

export interface ExternalizeOptions {
  /** The data file's name relative to the graph (default `<graph>.onnx_data`, set by the caller). */
  location: string;
  /** Tensors with at least this many raw_data bytes move out (default 1024, as onnx). */
  threshold?: number;
}

export interface ExternalizePlan {
  /** Tensors moved, with the offset each got. */
  tensors: { tensor: onnx.ITensorProto; bytes: Uint8Array; offset: number }[];
  /** Size of the data file (the last tensor's end). */
  dataBytes: number;
}

const alignUp = (n: number, to: number): number => Math.ceil(n / to) * to;

/**
 * onnx's convert_model_to_external_data(all_tensors_to_one_file=True, size_threshold) on the
 * model's initializers (attribute tensors stay, as there by default): each tensor with raw_data
 * of at least `threshold` bytes gets location/offset/length and data_location EXTERNAL, and its
 * raw_data is cleared. The caller writes the bytes (writeExternalData) and then the graph.
 */
export function externalizeModel(model: onnx.IModelProto, opts: ExternalizeOptions): ExternalizePlan {
  checkLocation(opts.location, '(output)');
  if (modelTensors(model).some(isExternal)) {
    throw new ToolError('BAD_ARGUMENT', 'the model already keeps weights in external data; externalize takes a single-file model');
  }
  const threshold = opts.threshold ?? DEFAULT_EXTERNAL_THRESHOLD;
  const plan: ExternalizePlan = { tensors: [], dataBytes: 0 };
  for (const t of modelTensors(model, true)) {
    const raw = t.rawData;
    if (!raw || raw.length === 0 || raw.length < threshold) continue;
    const offset = raw.length >= EXTERNAL_ALIGN_THRESHOLD ? alignUp(plan.dataBytes, EXTERNAL_ALIGNMENT) : plan.dataBytes;
    plan.tensors.push({ tensor: t, bytes: raw, offset });
    plan.dataBytes = offset + raw.length;
    t.externalData = [
      { key: 'location', value: opts.location },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
    t.dataLocation = EXTERNAL;
    delete t.rawData;
  }
  return plan;
}

/** Writes the plan's bytes to `path`, zero-filling alignment gaps, one tensor at a time (no second copy of the weights). */
export function writeExternalData(path: string, plan: ExternalizePlan): void {
  const fd = openSync(path, 'w');
  try {
    let at = 0;
    for (const { bytes, offset } of plan.tensors) {
      if (offset > at) writeSync(fd, new Uint8Array(offset - at));
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      at = offset + bytes.length;
    }
  } finally {
    closeSync(fd);
  }
}
