/**
 * One matrix cell: the start-up samples (bench/lib/run-starts.ts: each in a new, empty browser
 * profile, sides alternating), then the steady state in one fresh context, where both sides are
 * started and then alternate call by call → memory → RPC floor.
 */
import type { Browser } from '@playwright/test';
import { openBench, step } from './bench-page.js';
import type { LaunchMode } from './browser.js';
import type { CellResult, CellSpec } from './cell.js';
import type { CellFigures } from './results.js';
import { runStarts, summarizeStarts, type StartFiguresSummary, type StartSamples } from './run-starts.js';
import { pairedDelta, pairedRatio, summarize } from './stats.js';

/** As bench/pages/side.ts threadsFor: the page's ORT thread count for a backend. */
export function threadsFor(backend: string, hardwareConcurrency: number): number {
  return backend === 'wasm-threaded' ? Math.min(4, hardwareConcurrency) : 1;
}

export interface CellOptions {
  mode: LaunchMode;
  /** Cold/warm start samples per side (0: no start figures). */
  samples: number;
  /** The bench server's request counts by path (the warm visits' cache check). */
  served?: ReadonlyMap<string, number>;
}

export type CellOutcome = CellResult & { figures?: CellFigures; starts?: StartSamples; startFigures?: StartFiguresSummary };

export async function runCell(
  browser: Browser,
  baseUrl: string,
  spec: CellSpec,
  hardwareConcurrency: number,
  log: (line: string) => void,
  options: CellOptions,
): Promise<CellOutcome> {
  const threads = threadsFor(spec.backend, hardwareConcurrency);
  const tfjs = spec.model === 'nsfw-mobilenet';
  const result: CellOutcome = {
    spec,
    baseline: tfjs ? 'tensorflow.js' : 'onnxruntime-web',
    edgeserve: { info: { backend: '', threads: 0, bytes: 0 }, samples: [] },
    bare: { info: { backend: '', threads: 0, bytes: 0 }, samples: [] },
  };
  let mark = Date.now();
  // Per-step seconds on stderr: where a slow cell spends its time.
  const lap = (name: string) => {
    log(`    ${name} ${((Date.now() - mark) / 1000).toFixed(1)} s`);
    mark = Date.now();
  };
  if (options.samples > 0) {
    try {
      result.starts = await runStarts(options.mode, baseUrl, spec, threads, options.samples, log, options.served);
      if (result.starts.edgeserve.cold.length && result.starts.bare.cold.length) result.startFigures = summarizeStarts(result.starts);
      for (const f of result.starts.failures) log(`    start sample failed: ${f}`);
    } catch (error) {
      result.error = `start samples: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
    }
    lap('start samples');
  }
  const context = await browser.newContext();
  try {
    const page = await openBench(context, baseUrl, threads, log);
    const es = await step(page, 'edgeserveStart', spec);
    const afterEdgeserve = await step(page, 'memory');
    const bare = await step(page, 'bareStart', spec, 'network');
    const steady = await step(page, 'steady', spec);
    lap('steady');
    const afterBoth = await step(page, 'memory');
    const rpc = await step(page, 'rpcFloor', 200);
    lap('memory + rpc floor');
    await step(page, 'dispose');
    await page.close();
    result.edgeserve = { info: es.info, samples: steady.edgeserve };
    result.bare = { info: { ...bare.info, bytes: bare.info.bytes || es.info.bytes }, samples: steady.bare };
    result.memory = { ...(afterEdgeserve ? { afterEdgeserve } : {}), ...(afterBoth ? { afterBoth } : {}) };
    result.figures = {
      edgeserve: summarize(steady.edgeserve),
      bare: summarize(steady.bare),
      ratio: pairedRatio(steady.edgeserve, steady.bare),
      overheadMs: pairedDelta(steady.edgeserve, steady.bare),
      rpcFloor: rpc,
      ...(steady.bareWorker
        ? {
            bareWorker: summarize(steady.bareWorker),
            ratioVsWorker: pairedRatio(steady.edgeserve, steady.bareWorker),
            workerVsPage: pairedRatio(steady.bareWorker, steady.bare),
            overheadVsWorkerMs: pairedDelta(steady.edgeserve, steady.bareWorker),
          }
        : {}),
    };
  } catch (error) {
    result.error = [result.error, error instanceof Error ? error.message.split('\n')[0]! : String(error)].filter(Boolean).join('; ');
  } finally {
    await context.close();
  }
  return result;
}
