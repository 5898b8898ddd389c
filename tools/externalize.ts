/**
 * `edgeserve externalize`: a single-file ONNX model becomes a graph file plus one external data
 * file (`model.onnx` + `model.onnx_data`), the layout onnx's convert_model_to_external_data and
 * torch.onnx make: for models too big to ship (or for protobuf to hold) in one file. The weights'
 * bytes are moved, never changed, so the outputs equal the single-file model's exactly.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { onnx } from './onnx/onnx-proto.js';
import { readModelFile, writeFileAtomic } from './onnx/model-io.js';
import { DEFAULT_EXTERNAL_THRESHOLD, externalizeModel, writeExternalData } from './onnx/external-data.js';
import { requirePackable } from './model-format.js';
import { ToolError } from './tool-error.js';

export interface ExternalizeFileOptions {
  /** Folder for the two files (default: the input's own folder, converting it in place). */
  outDir?: string;
  /** Initializers with at least this many bytes move to the data file (default 1024, as onnx). */
  threshold?: number;
}

export interface ExternalizeFileResult {
  graphPath: string;
  dataPath: string;
  graphBytes: number;
  dataBytes: number;
  /** Initializers moved to the data file. */
  tensors: number;
}

/** `model.onnx` → `model.onnx_data` (the name torch.onnx and Hugging Face exports use). */
export function dataFileName(graphName: string): string {
  return `${graphName.replace(/\.onnx$/i, '')}.onnx_data`;
}

export function externalizeFile(inPath: string, opts: ExternalizeFileOptions = {}): ExternalizeFileResult {
  if (!existsSync(inPath)) throw new ToolError('NOT_FOUND', `${inPath}: no such file`);
  requirePackable(inPath);
  const threshold = opts.threshold ?? DEFAULT_EXTERNAL_THRESHOLD;
  if (!Number.isSafeInteger(threshold) || threshold < 0) throw new ToolError('BAD_ARGUMENT', `--threshold must be a byte count (got ${threshold})`);
  const { model } = readModelFile(inPath);
  const name = basename(inPath);
  const location = dataFileName(name);
  const plan = externalizeModel(model, { location, threshold });
  if (plan.tensors.length === 0) {
    throw new ToolError('BAD_ARGUMENT', `${inPath}: no initializer has ${threshold} bytes or more of raw data; nothing to move (lower --threshold)`);
  }
  const outDir = resolve(opts.outDir ?? dirname(resolve(inPath)));
  const graphPath = join(outDir, name);
  const dataPath = join(outDir, location);
  // The data file first (through a temporary name), the graph last and atomically: an
  // interrupted run in place leaves the single-file model as it was.
  const tmp = `${dataPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const graph = onnx.ModelProto.encode(model).finish();
  try {
    mkdirSync(outDir, { recursive: true });
    writeExternalData(tmp, plan);
    renameSync(tmp, dataPath);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  writeFileAtomic(graphPath, graph);
  return { graphPath, dataPath, graphBytes: graph.length, dataBytes: plan.dataBytes, tensors: plan.tensors.length };
}
