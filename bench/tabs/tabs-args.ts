/** Command-line options of `npm run bench -- --tabs …`. */

export type TabsPart = 'memory' | 'steady';
const PARTS: readonly TabsPart[] = ['memory', 'steady'];

export interface TabsArgs {
  samples: number;
  parts: TabsPart[];
  /** Tabs in the memory part's many-tab side. */
  tabs: number;
  /** Small shipped models of the steady part. */
  models: string[];
  iterations: number;
  warmup: number;
  port: number;
  build: boolean;
  commit: string;
  timeoutS: number;
  out: string;
  docs: boolean;
  renderOnly: boolean;
}

export const TABS_HELP = `npm run bench -- --tabs [options]
  Several tabs of one origin with createRuntime({ host: 'shared' }) against host: 'page', each
  sample in a fresh Chromium: (memory) 1 and N tabs loading the scale bench's 256 MB model one
  after the other — the browser's RSS over idle, peak and settled, and a second tab's first
  answer; (steady) tab 2's per-call latency on the shipped models, shared vs page workers with
  threads and with one, on pages cross-origin isolated and not. Writes docs/tabs-benchmark.md.
  --parts memory,steady   (default both)         --samples N   per side (default 5)
  --tabs N                many-tab side (default 4)
  --models a,b            steady part (default ocr-cls,ocr-det,ocr-rec,silero-vad)
  --iterations N          timed calls per side and sample (default 30)   --warmup N (default 5)
  --timeout S             a load or a steady run longer than this fails its sample (default 600)
  --commit REV            build and measure this commit's code (default HEAD, never the working tree)
  --port N                default 4307 (also BENCH_TABS_PORT)    --no-build   serve the last build
  --out FILE              results JSON (default .bench-tabs/results.json)    --no-docs
  --render-docs           measure nothing: write docs/tabs-benchmark.md again from the kept runs`;

export function parseTabsArgs(argv: readonly string[], env: Record<string, string | undefined> = process.env): TabsArgs {
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
  const list = (name: string, fallback: string) => (value(name) ?? fallback).split(',').filter(Boolean);
  const parts = list('--parts', PARTS.join(',')) as TabsPart[];
  const unknown = parts.filter((p) => !PARTS.includes(p));
  if (unknown.length) throw new Error(`--parts: unknown ${unknown.join(', ')} (known: ${PARTS.join(', ')})`);
  return {
    samples: int('--samples', 5, 1),
    parts,
    tabs: int('--tabs', 4, 2),
    models: list('--models', 'ocr-cls,ocr-det,ocr-rec,silero-vad'),
    iterations: int('--iterations', 30, 1),
    warmup: int('--warmup', 5, 0),
    port: int('--port', Number(env.BENCH_TABS_PORT ?? 4307), 1024),
    build: !argv.includes('--no-build'),
    commit: value('--commit') ?? 'HEAD',
    timeoutS: int('--timeout', 600, 1),
    out: value('--out') ?? '.bench-tabs/results.json',
    docs: !argv.includes('--no-docs'),
    renderOnly: argv.includes('--render-docs'),
  };
}
