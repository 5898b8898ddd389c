/** results.json → the Markdown printed at the end and kept in docs/benchmarks.md. */
import type { BenchResults } from './results.js';
import { summarize } from './stats.js';

const ms = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : Math.round(x).toString());
const mb = (bytes: number | undefined) => (bytes ? (bytes / 1e6).toFixed(bytes < 1e6 ? 2 : 1) : '–');
const pair = (a: number | undefined, b: number | undefined) => `${ms(a)} / ${ms(b)}`;
const ratio = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : `${x.toFixed(2)}×`);
const signed = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '–' : `${x >= 0 ? '+' : '−'}${ms(Math.abs(x))}`);

function header(r: BenchResults): string[] {
  const e = r.environment;
  // Said whenever the adapter is software: --gpu on a machine without a usable GPU lands there too.
  const software = e.fallbackAdapter || /swiftshader/i.test(e.adapter);
  const adapter = software ? `${e.adapter} (SwiftShader: software WebGPU on the CPU, not a GPU${e.mode === 'gpu' ? ', although --gpu was asked for' : ''})` : e.adapter;
  return [
    `Run ${r.date} with \`${r.command}\` (${Math.round(r.durationS)} s), ${e.browser} ${e.headless ? 'headless' : 'headed'}, ` +
      `WebGPU adapter: ${adapter}; ${e.hardwareConcurrency} cores, cross-origin isolated: ${e.crossOriginIsolated}, load average at start ${e.loadAverage.map((x) => x.toFixed(1)).join(' ')}.`,
    `Start-up: ${r.settings.samples} samples per side and cell, each in a browser on a new, empty profile (cold = its first visit, warm = a second page in that profile), the side that goes first rotating (WASM cells: edgeserve, bare, bare worker); the server sends CDN cache headers (\`${'public, max-age=31536000, immutable'}\` for model and engine files). Ratios are of medians.`,
    `Steady state: ${r.settings.iterations} runs per side on WASM after ${r.settings.warmup} warm-ups, ${r.settings.gpuIterations} on WebGPU, the sides alternating call by call in one page (ABC CBA …). Times in ms; “es” = edgeserve, “bare” = the engine called directly in the page, “bare worker” = the same engine alone in a dedicated worker behind one postMessage (ONNX WASM cells: the floor of any worker-based runtime); ratios and overheads are medians of per-call pairs.`,
    '',
  ];
}

function matrix(r: BenchResults): string[] {
  const rows = [
    '| model | prec. | backend | MB | median ms: es / bare | p95 ms: es / bare | es ÷ bare | overhead ms/call | bare worker: median ms, ÷ bare | es ÷ bare worker (overhead ms) | memory MB: es worker / page |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of r.cells) {
    const s = c.spec;
    const label = `${s.model}${c.baseline === 'tensorflow.js' ? ' (tfjs)' : ''}`;
    if (!c.figures) {
      rows.push(`| ${label} | ${s.precision} | ${backendLabel(c)} | – | failed: ${(c.error ?? 'no figures').replace(/\|/g, '/').slice(0, 120)} | | | | | | |`);
      continue;
    }
    const fb = c.edgeserve.info.fallback ? ' ⚠︎fell back' : '';
    const f = c.figures;
    const mem = c.memory?.afterBoth ?? c.memory?.afterEdgeserve;
    const esMem = Math.max(c.memory?.afterEdgeserve?.workerBytes ?? 0, c.memory?.afterBoth?.workerBytes ?? 0);
    rows.push(
      `| ${label} | ${s.precision} | ${backendLabel(c)}${fb} | ${mb(c.edgeserve.info.bytes)} | ${pair(f.edgeserve.median, f.bare.median)} | ${pair(f.edgeserve.p95, f.bare.p95)} | ${ratio(f.ratio)} | ${signed(f.overheadMs)} | ` +
        `${f.bareWorker ? `${ms(f.bareWorker.median)}, ${ratio(f.workerVsPage)}` : '–'} | ${f.bareWorker ? `${ratio(f.ratioVsWorker)} (${signed(f.overheadVsWorkerMs)})` : '–'} | ` +
        `${mem ? `${mb(esMem)} / ${mb(mem.totalBytes)}` : '–'} |`,
    );
  }
  return rows;
}

function backendLabel(c: BenchResults['cells'][number]): string {
  const s = c.spec;
  return s.backend === 'webgpu' ? 'webgpu' : `wasm ×${c.edgeserve.info.threads || (s.backend === 'wasm-1' ? 1 : s.backend === 'wasm-threaded' ? 'N' : '?')}`;
}

/** The median of the samples that have a value (a phase some samples did not report), if any do. */
function medianOf(xs: (number | undefined)[]): number | undefined {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length ? summarize(known).median : undefined;
}

/** median [min–max] of a summary, in ms. */
const spread = (x: { median: number; min: number; max: number } | undefined) => (x ? `${ms(x.median)} [${ms(x.min)}–${ms(x.max)}]` : '–');

function starts(r: BenchResults): string[] {
  const cells = r.cells.filter((c) => c.startFigures);
  if (!cells.length) return [];
  const out = [
    '| first prediction (ms, median [min–max]) | backend | n | cold: es | cold: bare | **cold es ÷ bare** | warm: es IndexedDB | warm: bare HTTP cache | **warm es ÷ bare HTTP** | warm: tfjs `indexeddb://` | **warm es ÷ tfjs idb** | harness check |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of cells) {
    const f = c.startFigures!;
    out.push(
      `| ${c.spec.model} ${c.spec.precision} | ${backendLabel(c)} | ${f.esCold.n}+${f.bareCold.n} | ${spread(f.esCold)} | ${spread(f.bareCold)} | ${ratio(f.coldRatio)} | ${spread(f.esWarm)} | ${spread(f.bareWarmHttp)} | ${ratio(f.warmVsBareHttp)} | ` +
        `${spread(f.bareWarmIdb)} | ${ratio(f.warmVsTfjsIdb)} | ${[f.tooFew ? 'n < 5: not a figure' : '', f.suspect.length ? `⚠︎ SUSPECT (check the harness): ${f.suspect.join('; ')}` : ''].filter(Boolean).join('; ') || 'ok'} |`,
    );
  }
  return out;
}

function overhead(r: BenchResults): string[] {
  const out: string[] = [];
  const floors = r.cells.map((c) => c.figures?.rpcFloor).filter((f) => f !== undefined);
  const hot = floors.map((f) => ('hot' in f ? f.hot.median : f.median));
  const idle = floors.flatMap((f) => ('idle' in f ? [f.idle.median] : []));
  const range = (xs: number[]) => `${ms(Math.min(...xs))}–${ms(Math.max(...xs))} ms`;
  if (hot.length) {
    out.push(
      `RPC floor, \`ping()\` on the runtime's own worker through Comlink (median per cell): back to back ${range(hot)}` +
        (idle.length ? `; 10 ms apart, as the predicts above are, ${range(idle)} (both threads must be woken)` : '') +
        '.',
      '',
    );
  }
  const done = r.breakdowns.filter((b) => b.breakdown);
  if (!done.length) return out;
  out.push(
    '| where a predict spends its time (median ms) | ' +
      done.map((b) => `${b.spec.model} ${b.spec.backend}${b.breakdown!.variant === 'no-spin' ? ' **no-spin patch**' : ''}`).join(' | ') +
      ' |',
    '|---|' + done.map(() => '---|').join(''),
  );
  const row = (name: string, pick: (b: NonNullable<(typeof done)[number]['breakdown']>) => number) =>
    out.push(`| ${name} | ${done.map((d) => ms(pick(d.breakdown!))).join(' | ')} |`);
  row('page → host (Model/WorkerLink wrappers, structured clone + transfer, worker message queue)', (b) => b.pageToHost.median);
  row('host before engine (input check, queue/batcher)', (b) => b.hostBeforeEngine.median);
  row('engine run (ORT tensors in, session.run, outputs out)', (b) => b.engine.median);
  row('host after engine (transfer list, metrics)', (b) => b.hostAfterEngine.median);
  row('host → page (Comlink reply, transfer back, page promise chain)', (b) => b.hostToPage.median);
  row('**total predict**', (b) => b.total.median);
  row('same predict, Comlink alone (no page wrappers)', (b) => b.directComlink.median);
  row('bare onnxruntime-web `session.run` in the page, same input', (b) => b.bare.median);
  row('**edgeserve’s own cost per call (total − engine run, median of per-call differences)**', (b) => b.ownCost.median);
  return out;
}

function coldPhases(r: BenchResults): string[] {
  const cells = r.cells.filter((c) => c.starts?.edgeserve.cold.some((x) => x.phases));
  if (!cells.length) return [];
  const names = ['manifest', 'cache', 'download', 'store', 'compile', 'ready'];
  const out = [
    '| edgeserve start: ms from `load()` to each phase (median of samples) | backend | start | ' + names.join(' | ') + ' | first prediction |',
    '|---|---|---|' + names.map(() => '---|').join('') + '---|',
  ];
  for (const c of cells) {
    for (const kind of ['cold', 'warm'] as const) {
      const runs = c.starts!.edgeserve[kind];
      const phase = (n: string) => medianOf(runs.map((x) => x.phases?.[n]));
      const ttfp = summarize(runs.map((x) => x.ttfpMs)).median;
      out.push(`| ${c.spec.model} | ${backendLabel(c)} | ${kind} | ${names.map((n) => ms(phase(n))).join(' | ')} | ${ms(ttfp)} |`);
    }
  }
  return out;
}

/**
 * The start-up floor of a worker-based runtime: the engine alone in a new worker, with when its
 * runtime was ready and its session (tfjs: model) open, next to edgeserve's first prediction.
 */
function workerFloor(r: BenchResults): string[] {
  const cells = r.cells.filter((c) => c.starts?.bareWorker?.warm.length);
  if (!cells.length) return [];
  const out = [
    '| the engine alone in a new worker (“bare worker”: onnxruntime-web, or tfjs from its `indexeddb://` when warm): ms from its start to … (median) | backend | start | runtime ready | session (tfjs: model) open | first prediction | edgeserve first prediction | **es ÷ bare worker** | bare worker ÷ bare (warm: HTTP cache; tfjs: `indexeddb://`) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const c of cells) {
    const f = c.startFigures;
    for (const kind of ['cold', 'warm'] as const) {
      const worker = c.starts!.bareWorker![kind];
      const workerFirst = (kind === 'cold' ? f?.bareWorkerCold : f?.bareWorkerWarm)?.median;
      const esFirst = (kind === 'cold' ? f?.esCold : f?.esWarm)?.median;
      const bare = kind === 'cold' ? f?.bareCold.median : (f?.bareWarmIdb ?? f?.bareWarmHttp)?.median;
      out.push(
        `| ${c.spec.model} | ${backendLabel(c)} | ${kind} | ${ms(medianOf(worker.map((x) => x.phases?.runtime)))} | ${ms(medianOf(worker.map((x) => x.phases?.session)))} | ` +
          `${ms(workerFirst)} | ${ms(esFirst)} | ${ratio(esFirst !== undefined && workerFirst ? esFirst / workerFirst : undefined)} | ${ratio(workerFirst !== undefined && bare ? workerFirst / bare : undefined)} |`,
      );
    }
  }
  return out;
}

function peer(r: BenchResults): string[] {
  if (!r.peer) return [];
  if (!r.peer.figures) return [`Peer app: failed — ${r.peer.error}`];
  const p = r.peer.figures;
  const out = [
    `OCR, edgeserve \`loadOcr\` (det → DB boxes → rec → CTC; cls off) vs \`@gutenye/ocr-browser\` 1.4.8 (same PP-OCRv4 det/rec files, onnxruntime-web in the page), WASM ×${p.threads}, image URL → text, median of the runs. Start (load both models, cold): edgeserve ${ms(p.startMs.edgeserve)} ms, peer ${ms(p.startMs.peer)} ms.`,
    '',
    '| image | truth | edgeserve ms (p95) | edgeserve read | CER | peer ms (p95) | peer read | CER | es ÷ peer |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const q = (lines: string[]) => `“${lines.join(' ⏎ ').replace(/\|/g, '/')}”`;
  for (const i of p.images) {
    out.push(
      `| ${i.name} ${i.width}×${i.height} | ${q(i.truth)} | ${ms(i.edgeserve.latency.median)} (${ms(i.edgeserve.latency.p95)}) | ${q(i.edgeserve.text)} | ${i.edgeserve.cer.toFixed(2)} | ` +
        `${ms(i.peer.latency.median)} (${ms(i.peer.latency.p95)}) | ${q(i.peer.text)} | ${i.peer.cer.toFixed(2)} | ${ratio(i.edgeserve.latency.median / i.peer.latency.median)} |`,
    );
  }
  return out;
}

function pairs(r: BenchResults): string[] {
  if (!r.pairs.length) return [];
  const out = [
    '| int8 vs fp32 (edgeserve, one runtime, alternating) | backend | MB fp32 → int8 | median fp32 / int8 | p95 fp32 / int8 | int8 ÷ fp32 |',
    '|---|---|---|---|---|---|',
  ];
  for (const p of r.pairs) {
    if (!p.pair) out.push(`| ${p.spec.model} | ${p.spec.backend} | failed: ${p.error} | | | |`);
    else
      out.push(
        `| ${p.spec.model} | ${p.spec.backend} | ${mb(p.pair.bytes.fp32)} → ${mb(p.pair.bytes.int8)} | ${pair(p.fp32?.median, p.int8?.median)} | ${pair(p.fp32?.p95, p.int8?.p95)} | ${ratio(p.ratio)} |`,
      );
  }
  return out;
}

function batching(r: BenchResults): string[] {
  if (!r.batching.length) return [];
  const out = ['| batching: N concurrent predicts | backend | variant | ms per round (median, p95) | predictions/s | mean batch | vs unbatched |', '|---|---|---|---|---|---|---|'];
  for (const b of r.batching) {
    const name = `${b.spec.model} ${b.spec.precision} ×${b.figures?.concurrency ?? ''}`;
    if (!b.figures) {
      out.push(`| ${name} | ${b.spec.backend} | ${b.unavailable ?? `failed: ${b.error}`} | | | | |`);
      continue;
    }
    const base = b.figures.variants.find((v) => v.batching === false);
    for (const v of b.figures.variants) {
      out.push(
        `| ${name} | ${b.spec.backend} | ${v.name} | ${ms(v.round.median)} (${ms(v.round.p95)}) | ${v.perSec.toFixed(1)} | ${v.meanBatchSize?.toFixed(2) ?? '–'} | ${base ? ratio(base.round.median / v.round.median) : '–'} |`,
      );
    }
  }
  return out;
}

export function markdown(r: BenchResults): string {
  const sections = [starts(r), matrix(r), overhead(r), coldPhases(r), workerFloor(r), peer(r), pairs(r), batching(r)].filter((s) => s.length);
  return [...header(r), ...sections.flatMap((s) => [...s, ''])].join('\n');
}
