/** What Node asks a bench page to measure, and what the page answers: plain JSON both ways. */
export type BenchBackend = 'webgpu' | 'wasm-1' | 'wasm-threaded';
export type BenchPrecision = 'fp32' | 'int8';

export interface CellSpec {
  model: string;
  backend: BenchBackend;
  precision: BenchPrecision;
  /** Timed steady-state runs per side, after `warmup` untimed ones. */
  iterations: number;
  warmup: number;
}

/** One way of getting a model to its first prediction. */
export interface StartFigures {
  /** From the load call to the first prediction's result (ms). */
  ttfpMs: number;
  /** The first prediction alone (ms): shader compilation / first allocation show here. */
  firstRunMs: number;
  /** Load alone (ms). */
  loadMs: number;
  /** edgeserve only: ms from the load call to the first progress event of each phase. */
  phases?: Record<string, number>;
}

export interface SideInfo {
  backend: string;
  threads: number;
  bytes: number;
  fromCache?: boolean;
  fallback?: string;
}

export interface MemoryFigures {
  /** performance.measureUserAgentSpecificMemory(): whole page, and by scope. */
  totalBytes: number;
  windowBytes: number;
  workerBytes: number;
}

export interface CellResult {
  spec: CellSpec;
  baseline: 'onnxruntime-web' | 'tensorflow.js';
  /** Steady state: one page, both sides started (untimed here) and alternated call by call. */
  edgeserve: { info: SideInfo; samples: number[] };
  bare: { info: SideInfo; samples: number[] };
  memory?: { afterEdgeserve?: MemoryFigures; afterBoth?: MemoryFigures };
  error?: string;
}
