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

export type ModelFormat = 'onnx' | 'tfjs' | 'tflite';
export const isModelFormat = (value: unknown): value is ModelFormat => value === 'onnx' || value === 'tfjs' || value === 'tflite';
/** fp32 is the reference; int8/uint8/weight-only variants come from `edgeserve quantize`. The one list of them. */
export const PRECISIONS = ['fp32', 'fp16', 'int8', 'uint8', 'int8-weight-only', 'q4'] as const;
export type Precision = (typeof PRECISIONS)[number];
export const isPrecision = (value: unknown): value is Precision => (PRECISIONS as readonly unknown[]).includes(value);

export interface FileEntry {
  /** Relative to the manifest URL, or absolute. */
  url: string;
  bytes: number;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
}

export interface VariantEntry {
  precision: Precision;
  /** ONNX: the graph, then its external data files (each at its path relative to the graph); tfjs: `model.json` first, then its weight files. */
  files: FileEntry[];
  opset?: number;
  /** How the variant was made, e.g. "quantize --mode dynamic --per-channel". */
  recipe?: string;
  /** For a quantized variant: how far it agreed with fp32 when it was made (optional; older manifests lack it). */
  agreement?: VariantAgreement;
}

/** What `edgeserve quantize`'s quality gate measured: fp32 and this variant on the same inputs. */
export interface VariantAgreement {
  /** 'calibration': real samples (calibration data, or the model's own gate samples); 'generated': random inputs from its input specs. */
  inputs: 'calibration' | 'generated';
  samples: number;
  passed: boolean;
  outputs: OutputAgreementEntry[];
}

export interface OutputAgreementEntry {
  name: string;
  /** probability: decisions at 0.5; classifier: top-1 per row; features: cosine. */
  kind: 'probability' | 'classifier' | 'features';
  maxAbs: number;
  /** The 99th percentile of |Δ| (what the gate bounds for probabilities); absent in manifests written before it. */
  p99Abs?: number;
  meanAbs: number;
  relative: number;
  /** Share of decisions (probability) or top-1 rows (classifier) that agree; null for features. */
  agreement: number | null;
  cosine: number;
}

export interface VersionEntry {
  version: string;
  variants: VariantEntry[];
  /** ISO date; informational. */
  released?: string;
}

/**
 * Which version a device serves. A rollout gives `candidate` to `percent`% of devices by a
 * sticky cohort (a stable hash of the device id, the model id and `salt`), `stable` to the
 * rest: a canary at 5%, an A/B test at 50%. Change `salt` to draw new cohorts.
 */
export type VersionPolicy = { kind: 'latest' } | { kind: 'pinned'; version: string } | { kind: 'rollout'; stable: string; candidate: string; percent: number; salt?: string };

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
  /**
   * The warm-up run's inputs: a new version must load and run once before it is switched to.
   * Per input, concrete dims and a fill value (default 0); symbolic dims default to 1.
   */
  warmup?: Record<string, { dims: number[]; fill?: number }>;
  /** Micro-batching: off when false; otherwise on for models whose inputs all batch on axis 0. */
  batching?: false | BatchingOptions;
}

/** Bounds of BatchingOptions, for the manifest's and a load's alike. */
export const MAX_BATCH_SIZE = 1024;
/** One second: a call waiting longer for company than it takes to run is a misconfiguration. */
export const MAX_QUEUE_DELAY_US = 1_000_000;

export interface BatchingOptions {
  /** Most calls merged into one run; default 8. */
  maxBatchSize?: number;
  /** How long a call may wait for others to join its batch, in µs; default 0 (batch only what is already queued). */
  maxQueueDelayUs?: number;
}

/** What a model is, without where to get it: kept with the cached bytes. */
export type ModelSpec = Omit<ModelEntry, 'versions' | 'policy'>;

export interface Manifest {
  schemaVersion: 1;
  models: ModelEntry[];
}
