/**
 * The cells to run: model × backend × precision, from the manifest (int8 only where a variant
 * exists; tfjs has no threaded WASM in edgeserve, see src/engines/tfjs.ts). --quick keeps two
 * cells, the small models called most often, one per WASM backend (silero-vad ×1, ocr-cls
 * threaded): each cell's start samples cost about a minute (fresh browser profiles), and four
 * cells × five samples took 18 minutes.
 */
import type { BenchArgs } from './args.js';
import type { BenchBackend, BenchPrecision, CellSpec } from './cell.js';

interface ManifestLike {
  models: { id: string; format: string; versions: { variants: { precision: string }[] }[] }[];
}

const BACKENDS: BenchBackend[] = ['wasm-threaded', 'wasm-1', 'webgpu'];
export const QUICK: [string, BenchBackend, BenchPrecision][] = [
  ['silero-vad', 'wasm-1', 'fp32'],
  ['ocr-cls', 'wasm-threaded', 'fp32'],
];

export function cells(manifest: ManifestLike, args: BenchArgs): CellSpec[] {
  const spec = (model: string, backend: BenchBackend, precision: BenchPrecision): CellSpec => ({
    model,
    backend,
    precision,
    iterations: backend === 'webgpu' ? args.gpuIterations : args.iterations,
    // On WebGPU the warm start's and the cold start's first runs already warmed both sessions up.
    warmup: backend === 'webgpu' ? 0 : args.warmup,
  });
  const has = (id: string, p: string) => manifest.models.find((m) => m.id === id)?.versions.some((v) => v.variants.some((x) => x.precision === p)) ?? false;
  let out: CellSpec[] = [];
  if (args.quick && !args.models && !args.backends && !args.precisions) {
    out = QUICK.filter(([m, , p]) => has(m, p)).map(([m, b, p]) => spec(m, b, p));
  } else {
    for (const model of manifest.models) {
      if (args.models && !args.models.includes(model.id)) continue;
      for (const backend of args.backends ?? BACKENDS) {
        if (model.format === 'tfjs' && backend === 'wasm-threaded') continue;
        // No bare LiteRT.js side here yet: the tflite model's figures (edgeserve vs LiteRT.js alone,
        // and vs the same network on ONNX) come from e2e/package-tflite.spec.ts.
        if (model.format === 'tflite') continue;
        // int8 on WebGPU only when asked for or on a real GPU: ORT's WebGPU EP runs the dynamic
        // int8 ops (DynamicQuantizeLinear, MatMulInteger) on the CPU, and SwiftShader adds minutes.
        const defaults: BenchPrecision[] = backend === 'webgpu' && !args.gpu ? ['fp32'] : ['fp32', 'int8'];
        for (const precision of args.precisions ?? defaults) {
          if (has(model.id, precision)) out.push(spec(model.id, backend, precision));
        }
      }
    }
  }
  return out;
}

/** Models with both variants, for the paired int8-vs-fp32 step (WASM threaded). */
export function precisionPairs(manifest: ManifestLike, args: BenchArgs): CellSpec[] {
  const ids = args.quick ? ['ocr-rec'] : manifest.models.map((m) => m.id);
  return (
    manifest.models
      .filter((m) => ids.includes(m.id) && (!args.models || args.models.includes(m.id)))
      .filter((m) => m.versions.some((v) => v.variants.some((x) => x.precision === 'int8')))
      // int8's targets hold for WASM threaded and single-threaded alike, so a pair runs on each
      // (--backends narrows it; --quick keeps the threaded one only).
      .flatMap((m) => pairBackends(args).map((backend) => ({ model: m.id, backend, precision: 'fp32' as const, iterations: args.iterations, warmup: args.warmup })))
  );
}

function pairBackends(args: BenchArgs): BenchBackend[] {
  if (args.quick) return ['wasm-threaded'];
  const wasm = (args.backends ?? ['wasm-threaded', 'wasm-1']).filter((b): b is BenchBackend => b !== 'webgpu');
  return wasm.length ? wasm : ['wasm-threaded'];
}
