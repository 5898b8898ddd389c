/** Command-line options of `npm run bench -- …`. */
import type { BenchBackend, BenchPrecision } from './cell.js';

/** Start samples per side in --quick: one fresh-profile cold and warm visit, a smoke check, not a figure (run-starts.ts wants 5). */
export const QUICK_SAMPLES = 1;

export interface BenchArgs {
  quick: boolean;
  gpu: boolean;
  headed: boolean;
  port: number;
  build: boolean;
  /** Write the tables into docs/benchmarks.md (never the README). */
  docs: boolean;
  models?: string[];
  backends?: BenchBackend[];
  precisions?: BenchPrecision[];
  /** Steady-state runs per side on WASM / on WebGPU (SwiftShader is ~100× slower). */
  iterations: number;
  gpuIterations: number;
  warmup: number;
  /** Cold/warm start samples per side and cell, each in a new browser profile. */
  samples: number;
  skip: Set<'peer' | 'batching' | 'pairs' | 'breakdown' | 'matrix'>;
  out: string;
}

const HELP = `npm run bench -- [options]
  --quick              silero-vad on WASM ×1 and ocr-cls on WASM threaded, 1 start sample per side, a short
                       batching check; nothing else (about 3 minutes on 2 cores; the full run is ~22 cells at ~4.5
                       minutes each, and prints how long it took)
  --gpu                real GPU (ANGLE/Vulkan, --headless=new), not SwiftShader; also BENCH_GPU=1
  --headed             show the browser window (with --gpu: a headed GPU run)
  --models a,b         only these model ids      --backends webgpu,wasm-1,wasm-threaded
  --precisions fp32,int8                         --iterations N   --gpu-iterations N   --warmup N
  --samples N          cold/warm start samples per side and cell (default 5, --quick 1; each a new browser profile)
  --skip peer,batching,pairs,breakdown,matrix    --port N (default 4201; also BENCH_PORT)
  --no-build           serve the existing .bench-build
  --docs               write the tables into docs/benchmarks.md between its results markers
  --out FILE           results JSON (default bench/results.json)
  --scale              the scale benchmark instead (big models, memory): npm run bench -- --scale --help`;

export function parseArgs(argv: string[]): BenchArgs {
  const quick = argv.includes('--quick');
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const list = <T extends string>(name: string) => value(name)?.split(',').filter(Boolean) as T[] | undefined;
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    process.exit(0);
  }
  const port = Number(value('--port') ?? process.env.BENCH_PORT ?? 4201);
  if (!(Number.isInteger(port) && port >= 1024 && port <= 65535)) throw new Error('--port must be a port number ≥ 1024');
  const args: BenchArgs = {
    quick,
    gpu: argv.includes('--gpu') || process.env.BENCH_GPU === '1',
    headed: argv.includes('--headed'),
    port,
    build: !argv.includes('--no-build'),
    docs: argv.includes('--docs'),
    iterations: Number(value('--iterations') ?? (quick ? 10 : 20)),
    gpuIterations: Number(value('--gpu-iterations') ?? (quick ? 2 : argv.includes('--gpu') || process.env.BENCH_GPU === '1' ? 20 : 2)),
    warmup: Number(value('--warmup') ?? (quick ? 2 : 3)),
    samples: Number(value('--samples') ?? (quick ? QUICK_SAMPLES : 5)),
    // --quick is the steady and start-up figures of its cells (and a short batching check) only.
    skip: new Set(list<'peer'>('--skip') ?? (quick ? ['peer', 'pairs', 'breakdown'] : [])),
    out: value('--out') ?? 'bench/results.json',
  };
  const models = list<string>('--models');
  const backends = list<BenchBackend>('--backends');
  const precisions = list<BenchPrecision>('--precisions');
  if (models) args.models = models;
  if (backends) args.backends = backends;
  if (precisions) args.precisions = precisions;
  return args;
}
