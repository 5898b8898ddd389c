/** The shape of bench/results.json: raw samples and the figures derived from them. */
import type { BatchingFigures } from '../pages/batching.js';
import type { Breakdown } from '../pages/breakdown.js';
import type { OcrCompare } from '../pages/ocr-compare.js';
import type { PrecisionPair } from '../pages/precision-pair.js';
import type { CellSpec } from './cell.js';
import type { CellOutcome } from './run-cell.js';
import type { Summary } from './stats.js';

export interface Environment {
  browser: string;
  userAgent: string;
  adapter: string;
  fallbackAdapter: boolean;
  hardwareConcurrency: number;
  crossOriginIsolated: boolean;
  mode: 'swiftshader' | 'gpu';
  headless: boolean;
  loadAverage: number[];
}

export interface CellFigures {
  edgeserve: Summary;
  bare: Summary;
  /** Median of paired per-call ratios edgeserve / bare. */
  ratio: number;
  /** Median of paired per-call differences (ms). */
  overheadMs: number;
  rpcFloor?: Summary | { hot: Summary; idle: Summary };
  /** Bare onnxruntime-web in a worker of its own (ONNX WASM cells): the floor of any worker design. */
  bareWorker?: Summary;
  /** Medians of per-call ratios edgeserve / bare worker and bare worker / bare in the page. */
  ratioVsWorker?: number;
  workerVsPage?: number;
  /** Median of per-call differences edgeserve − bare worker (ms): what the library itself adds. */
  overheadVsWorkerMs?: number;
}

export interface BenchResults {
  date: string;
  command: string;
  durationS: number;
  environment: Environment;
  settings: { iterations: number; gpuIterations: number; warmup: number; samples: number; quick: boolean };
  cells: CellOutcome[];
  breakdowns: { spec: CellSpec; variant?: string; breakdown?: Breakdown; error?: string }[];
  pairs: { spec: CellSpec; pair?: PrecisionPair; ratio?: number; fp32?: Summary; int8?: Summary; error?: string }[];
  batching: { spec: CellSpec; figures?: BatchingFigures; unavailable?: string; error?: string }[];
  peer?: { figures?: OcrCompare; pipeline: string; error?: string };
}
