/**
 * The manifest: what models a deployment offers, in which versions and variants, with the
 * bytes and SHA-256 of every file so the worker can verify a download before storing it.
 * `npm run models` and `edgeserve pack` write it; the runtime reads and validates it.
 */

export type TensorDtype = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'int8' | 'bool';
export const TENSOR_DTYPES: readonly TensorDtype[] = ['float32', 'float16', 'int32', 'int64', 'uint8', 'int8', 'bool'];

/** A dimension is a fixed size, or a symbolic name (any size, e.g. "batch", "width"). */
export type Dim = number | string;

export interface TensorSpec {
  name: string;
  dtype: TensorDtype;
  dims: Dim[];
}

export type ModelFormat = 'onnx' | 'tfjs';
/** fp32 is the reference; int8/uint8/weight-only variants come from `edgeserve quantize`. */
export type Precision = 'fp32' | 'fp16' | 'int8' | 'uint8' | 'int8-weight-only';

export interface FileEntry {
  /** Relative to the manifest URL, or absolute. */
  url: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface VariantEntry {
  precision: Precision;
  /** One file for ONNX; `model.json` first, then weight files, for tfjs. */
  files: FileEntry[];
  opset?: number;
  /** How the variant was made, e.g. "quantize --mode dynamic --per-channel". */
  recipe?: string;
}

export interface VersionEntry {
  version: string;
  variants: VariantEntry[];
  /** ISO date; informational. */
  released?: string;
}

/** Which version a device serves. Rollouts (canary/A-B) are added by the versions issue. */
export type VersionPolicy = { kind: 'latest' } | { kind: 'pinned'; version: string };

export interface ModelEntry {
  id: string;
  format: ModelFormat;
  description?: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  labels?: string[];
  /** Where the model came from (npm package and file), for people reading the manifest. */
  source?: string;
  versions: VersionEntry[];
  policy?: VersionPolicy;
}

export interface Manifest {
  schemaVersion: 1;
  models: ModelEntry[];
}
