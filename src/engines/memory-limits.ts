/**
 * Whether an ONNX model can open on a backend here, known from its size alone — so the host can
 * say so before downloading it — and the typed error for when it cannot. Figures are
 * onnxruntime-web 1.30's, measured in Chromium (README "Models of any size"):
 *
 * - WASM: one wasm32 memory, at most 4 GiB, that never shrinks. A model of our size class is
 *   handed over as graph + external data (onnx-model-files.ts), so its weights reach the heap
 *   once, and MatMul/Conv/Gemm weights are prepacked into a second copy of about the same size
 *   (kept: turning prepacking off changes the outputs' last bits). So the heap needs about twice
 *   the model, plus the runtime's own.
 * - Every backend: onnxruntime-web passes an external data file's offsets and lengths as 32-bit
 *   numbers, so one data file (or a single-file model, split here) must stay under 4 GiB.
 * - WebGPU: weights go from the mounted bytes straight to GPU buffers, not through the heap; what
 *   bounds it is the adapter (maxBufferSize per tensor) and the device's memory, which only the
 *   engine meets — its allocation failures become the same error (onnx-errors.ts).
 */
import { ModelTooLargeError } from '../errors.js';
import type { BackendName } from '../protocol.js';

const GiB = 1024 ** 3;
export const WASM_MEMORY_MAX = 4 * GiB;
/** The runtime's own heap (code tables, arena, activations of a one-MatMul model): measured ~100 MB, rounded up. */
export const WASM_RUNTIME_RESERVE = 256 * 1024 * 1024;
/** Heap bytes per model byte while a session is built: the weights once, their prepacked copy once. */
export const WASM_HEAP_PER_MODEL_BYTE = 2;
/**
 * Models from this size open without prepacking (the ONNX engine's default prepackBelow). Its
 * packed second copy of MatMul/Conv/Gemm weights costs a model's bytes again in a heap that
 * never shrinks: a 256 MB model's load peaked at 3.4× its bytes with it and 2.4× without, and the
 * largest model WASM opens nearly doubles. The price: MLAS sums in another order, so outputs
 * differ from onnxruntime-web's defaults in their last bits (max relative error 3.0e-6 vs 3.5e-7
 * against float64, measured) — below 64 MiB, where memory is not what limits a device, outputs
 * stay bit-identical to onnxruntime-web alone.
 */
export const PREPACK_BELOW = 64 * 1024 * 1024;
/**
 * Heap bytes per model byte without prepacking: the weights once, plus the high-water of the
 * session's own copies while it is built. Measured at 256 MB: once our JavaScript copy is
 * collected (onnx-release.ts), the whole browser holds 1.3–1.4× the model over idle, and the heap
 * never shrinks, so its high-water is below that; 1.5 to keep a margin.
 */
export const WASM_HEAP_PER_MODEL_BYTE_UNPACKED = 1.5;
/** The largest single file onnxruntime-web reads external data from (32-bit offsets). */
export const DATA_FILE_MAX = 4 * GiB - 1;

export type Fit = { ok: true } | { ok: false; limit: number; why: string; reason: 'wasm-memory' | 'file-size' };

export interface FitOptions {
  /** The model is graph + external data files (else one file). */
  externalData?: boolean;
  /** The largest of its files, when it has several; defaults to the whole model. */
  largestFile?: number;
  /** False when the engine opens this model without prepacking (OnnxEngineOptions.prepackBelow): one copy in the heap, not two. */
  prepacked?: boolean;
}

export function fitsBackend(bytes: number, backend: BackendName, { externalData = false, largestFile = bytes, prepacked = true }: FitOptions = {}): Fit {
  if (largestFile > DATA_FILE_MAX) {
    return {
      ok: false,
      limit: DATA_FILE_MAX,
      reason: 'file-size',
      why: `onnxruntime-web reads one file of at most ${size(DATA_FILE_MAX)} (its offsets are 32-bit)${externalData ? '' : '; a model this big must be split into graph + external data files'}`,
    };
  }
  if (backend === 'wasm') {
    const perByte = prepacked ? WASM_HEAP_PER_MODEL_BYTE : WASM_HEAP_PER_MODEL_BYTE_UNPACKED;
    const limit = Math.floor((WASM_MEMORY_MAX - WASM_RUNTIME_RESERVE) / perByte);
    if (bytes > limit) {
      return {
        ok: false,
        limit,
        reason: 'wasm-memory',
        why: `the WASM backend has at most ${size(WASM_MEMORY_MAX)} of memory and needs about ${perByte}× the model's bytes in it while it loads`,
      };
    }
  }
  return { ok: true };
}

export function size(bytes: number): string {
  return bytes >= GiB ? `${(bytes / GiB).toFixed(2)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** What to try instead: never the backend that just failed, nor a split the model already has. */
export function alternatives(backend: BackendName, externalData: boolean, reason: TooLarge['reason'], bytes?: number): string[] {
  const out: string[] = [];
  if (backend !== 'webgpu') out.push('the WebGPU backend (weights go to the GPU, not the WASM memory)');
  if (!externalData && reason === 'file-size') out.push('the model split into graph + external data files of under 4 GiB each');
  if (reason === 'gpu-buffer' && (bytes === undefined || fitsBackend(bytes, 'wasm').ok)) out.push('the WASM backend');
  out.push('a smaller variant of the model (int8 or fp16)');
  return out;
}

export interface TooLarge {
  id: string;
  bytes: number;
  backend: BackendName;
  externalData: boolean;
  /** Bytes the backend can take, when known (WebGPU's depends on the device). */
  limit?: number;
  why: string;
  reason: 'wasm-memory' | 'file-size' | 'engine-allocation' | 'gpu-buffer';
  /** The engine's own words, when it was the engine that ran out. */
  cause?: string;
}

export function modelTooLargeError(t: TooLarge): ModelTooLargeError {
  const tries = alternatives(t.backend, t.externalData, t.reason, t.bytes);
  const limit = t.limit === undefined ? '' : ` (limit ${size(t.limit)})`;
  const message = `model "${t.id}" is ${size(t.bytes)}, too large for ${t.backend} here: ${t.why}${limit}. Try ${tries.join(', or ')}.${t.cause ? ` Engine: ${t.cause}` : ''}`;
  return new ModelTooLargeError(message, {
    id: t.id,
    bytes: t.bytes,
    backend: t.backend,
    externalData: t.externalData,
    reason: t.reason,
    why: t.why,
    try: tries,
    ...(t.limit === undefined ? {} : { limit: t.limit }),
    ...(t.cause ? { cause: t.cause } : {}),
  });
}

/**
 * One allocation just over V8's external-memory soft limit (kExternalAllocationSoftLimit, 64 MiB,
 * and a margin): dropped at once, it makes V8 collect (onnx-release.ts, the hashing worker). It
 * lives here, in the host's own chunk, so that the lazily loaded ONNX engine and hashing worker
 * both read it without a chunk of its own (one more request from a CDN).
 */
export const COLLECT_NUDGE_BYTES = 65 * 1024 * 1024;
