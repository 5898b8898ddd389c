/**
 * Reading, checking and writing ONNX files. Every failure a user can cause (wrong file, cut-off
 * download, too old/new a model) becomes a ToolError with a clear message, and a write never
 * leaves a half-written output: bytes go to a temp file in the same directory, then rename(2),
 * which is atomic on one filesystem.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { onnx } from './onnx-proto.js';
import { toNum } from './long-int.js';
import { externalDataFiles } from './external-data.js';
import { ToolError } from '../tool-error.js';

/** ai.onnx opsets the quantizer and onnxruntime-web 1.30 both handle. */
const MIN_OPSET = 7;
const MAX_OPSET = 23;

export interface LoadedModel {
  model: onnx.ModelProto;
  /** Where relative external-data locations resolve. */
  baseDir: string;
  bytes: number;
}

/** ONNX files start with field 1 (ir_version) as a varint: tag byte 0x08. */
const ONNX_FIRST_BYTE = 0x08;

export function decodeModel(buf: Uint8Array, label: string): onnx.ModelProto {
  if (buf.length === 0) throw new ToolError('NOT_ONNX', `${label} is empty, not an ONNX model`);
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(buf);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    if (buf[0] === ONNX_FIRST_BYTE && /index out of range/.test(why)) {
      throw new ToolError('TRUNCATED', `${label} looks like ONNX but ends early (truncated or corrupt download?): ${why}`);
    }
    throw new ToolError('NOT_ONNX', `${label} is not an ONNX model (protobuf decode failed: ${why})`);
  }
  if (!model.graph || toNum(model.irVersion) <= 0 || model.opsetImport.length === 0) {
    throw new ToolError('NOT_ONNX', `${label} is not an ONNX model (no graph, IR version or opset)`);
  }
  return model;
}

export function onnxOpset(model: onnx.IModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? toNum(entry.version) : 0;
}

export function checkOpset(model: onnx.IModelProto, label: string): number {
  const opset = onnxOpset(model);
  if (opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new ToolError('UNSUPPORTED_OPSET', `${label} uses ai.onnx opset ${opset}; edgeserve quantize supports opsets ${MIN_OPSET}–${MAX_OPSET}`);
  }
  return opset;
}

export function readModelFile(path: string): LoadedModel {
  if (!existsSync(path) || !statSync(path).isFile()) throw new ToolError('NOT_FOUND', `${path}: no such file`);
  const buf = readFileSync(path);
  return { model: decodeModel(buf, path), baseDir: dirname(resolve(path)), bytes: buf.length };
}

/** Writes bytes to path via temp file + rename, so readers never see a partial file. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Encodes and writes the model. Tensors still stored externally keep their relative location, so
 * when the output goes to another directory their files are copied beside it (the .onnx stays
 * byte-identical to the input when nothing was changed).
 */
export function writeModelFile(path: string, model: onnx.ModelProto, baseDir: string): number {
  const bytes = onnx.ModelProto.encode(model).finish();
  const outDir = dirname(resolve(path));
  if (outDir !== resolve(baseDir)) {
    for (const loc of externalDataFiles(model)) {
      const dest = join(outDir, loc);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(join(baseDir, loc), dest);
    }
  }
  writeFileAtomic(path, bytes);
  return bytes.length;
}
