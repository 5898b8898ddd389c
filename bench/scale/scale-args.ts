/** Command-line options of `npm run bench -- --scale …`. */

export type ScaleUnit = 'edgeserve' | 'edgeserve-ext' | 'bare' | 'bare-ext';
export const UNITS: readonly ScaleUnit[] = ['edgeserve', 'bare', 'bare-ext', 'edgeserve-ext'];

export interface ScaleArgs {
  /** Model sizes in MiB. */
  sizes: number[];
  samples: number;
  threads: number;
  port: number;
  build: boolean;
  /** The commit whose code is built and measured (default HEAD). */
  commit: string;
  /** Which sides run (edgeserve-ext only where pack recorded the external data). */
  units: ScaleUnit[];
  /** One load (call → first prediction) longer than this fails the sample. */
  timeoutS: number;
  out: string;
  /** Write docs/scale-benchmark.md (default yes). */
  docs: boolean;
  /** Measure nothing: render docs/scale-benchmark.md again from the runs it was last written from. */
  renderOnly: boolean;
  /** Keep each load's RSS time series and per-process peak in the results, and print where the peak fell. */
  trace: boolean;
}

export const SCALE_HELP = `npm run bench -- --scale [options]
  Loads one-MatMul fp32 models of each size (made once into .bench-scale/) with edgeserve (cold,
  then warm from IndexedDB) and with onnxruntime-web alone in a worker (single file, and external
  data), each sample in a fresh Chromium; time to ready, first prediction, correctness, and the
  browser's RSS over idle (peak during the load, settled 3 s after). Writes docs/scale-benchmark.md.
  --sizes 64,256,1024  model sizes in MB (MiB; 1g = 1024; default 64,256,1024)
  --samples N          samples per side and size (default 3)
  --threads N          WASM threads (default 1)
  --sides a,b          edgeserve,bare,bare-ext,edgeserve-ext (default all; edgeserve-ext runs once
                       edgeserve pack records external data)
  --timeout S          a load taking longer fails its sample (default 600)
  --commit REV         build and measure this commit's code (default HEAD: never the working tree,
                       where others' unfinished edits may not compile)
  --port N             default 4211 (also BENCH_SCALE_PORT)    --no-build   serve the last build
  --out FILE           results JSON (default .bench-scale/results.json)    --no-docs
  --render-docs        measure nothing: write docs/scale-benchmark.md again from the kept runs
  --trace              keep each load's RSS every 50 ms and each process's at idle and at the peak
                       (in the results JSON), and print when the peak fell and which processes grew`;

const size = (s: string): number => {
  const m = /^(\d+)\s*(g|gb|m|mb)?$/i.exec(s.trim());
  if (!m) throw new Error(`--sizes: "${s}" is not a size (e.g. 64, 256, 1g)`);
  return Number(m[1]) * (/^g/i.test(m[2] ?? '') ? 1024 : 1);
};

export function parseScaleArgs(argv: readonly string[], env: Record<string, string | undefined> = process.env): ScaleArgs {
  const value = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const int = (name: string, fallback: number, min: number) => {
    const raw = value(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}`);
    return n;
  };
  const units = (value('--sides')?.split(',').filter(Boolean) ?? [...UNITS]) as ScaleUnit[];
  const unknown = units.filter((u) => !UNITS.includes(u));
  if (unknown.length) throw new Error(`--sides: unknown ${unknown.join(', ')} (known: ${UNITS.join(', ')})`);
  const port = int('--port', Number(env.BENCH_SCALE_PORT ?? 4211), 1024);
  if (port > 65535) throw new Error('--port must be a port number');
  return {
    sizes: (value('--sizes') ?? '64,256,1024').split(',').filter(Boolean).map(size),
    samples: int('--samples', 3, 1),
    threads: int('--threads', 1, 1),
    port,
    build: !argv.includes('--no-build'),
    commit: value('--commit') ?? 'HEAD',
    units,
    timeoutS: int('--timeout', 600, 1),
    out: value('--out') ?? '.bench-scale/results.json',
    docs: !argv.includes('--no-docs'),
    renderOnly: argv.includes('--render-docs'),
    trace: argv.includes('--trace'),
  };
}
