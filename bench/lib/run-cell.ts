/**
 * One matrix cell, in its own browser context (empty IndexedDB and HTTP cache), all in one page:
 * edgeserve cold (network) → bare engine cold (network) → edgeserve warm (IndexedDB, new worker)
 * → steady state, the two sides alternating call by call → memory → RPC floor. Then a fresh page
 * in the same context for the bare engine's own warm start (HTTP cache; tfjs also indexeddb://).
 */
import type { Browser, Page } from '@playwright/test';
import { openBench, step } from './bench-page.js';
import type { CellResult, CellSpec } from './cell.js';
import type { CellFigures } from './results.js';
import { pairedDelta, pairedRatio, summarize } from './stats.js';

/** As bench/pages/side.ts threadsFor: the page's ORT thread count for a backend. */
export function threadsFor(backend: string, hardwareConcurrency: number): number {
  return backend === 'wasm-threaded' ? Math.min(4, hardwareConcurrency) : 1;
}

async function clearHttpCache(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  await cdp.detach();
}

export async function runCell(
  browser: Browser,
  baseUrl: string,
  spec: CellSpec,
  hardwareConcurrency: number,
  log: (line: string) => void,
  /** Skip the bare engine's second visit (SwiftShader WebGPU: a minute per cell for a cache figure WASM cells give). */
  skipBareWarm = false,
): Promise<CellResult & { figures?: CellFigures }> {
  const context = await browser.newContext();
  const threads = threadsFor(spec.backend, hardwareConcurrency);
  const tfjs = spec.model === 'nsfw-mobilenet';
  const result: CellResult & { figures?: CellFigures } = {
    spec,
    baseline: tfjs ? 'tensorflow.js' : 'onnxruntime-web',
    edgeserve: { info: { backend: '', threads: 0, bytes: 0 }, cold: { ttfpMs: NaN, firstRunMs: NaN, loadMs: NaN }, warm: { ttfpMs: NaN, firstRunMs: NaN, loadMs: NaN }, samples: [] },
    bare: { info: { backend: '', threads: 0, bytes: 0 }, cold: { ttfpMs: NaN, firstRunMs: NaN, loadMs: NaN }, samples: [] },
  };
  let mark = Date.now();
  // Per-step seconds on stderr: where a slow cell spends its time.
  const lap = (name: string) => {
    log(`    ${name} ${((Date.now() - mark) / 1000).toFixed(1)} s`);
    mark = Date.now();
  };
  try {
    const page = await openBench(context, baseUrl, threads, log);
    await clearHttpCache(page);
    const esCold = await step(page, 'edgeserveStart', spec);
    lap('edgeserve cold');
    const afterEdgeserve = await step(page, 'memory');
    lap('memory');
    await clearHttpCache(page);
    const bareCold = await step(page, 'bareStart', spec, 'network');
    lap('bare cold');
    const esWarm = await step(page, 'edgeserveStart', spec);
    lap('edgeserve warm');
    const steady = await step(page, 'steady', spec);
    lap('steady');
    const afterBoth = await step(page, 'memory');
    const rpc = await step(page, 'rpcFloor', 200);
    lap('memory + rpc floor');
    await step(page, 'dispose');
    await page.close();

    result.edgeserve = { info: esWarm.info, cold: esCold.start, warm: esWarm.start, samples: steady.edgeserve };
    result.bare = { info: { ...bareCold.info, bytes: bareCold.info.bytes || esWarm.info.bytes }, cold: bareCold.start, samples: steady.bare };
    result.memory = { ...(afterEdgeserve ? { afterEdgeserve } : {}), ...(afterBoth ? { afterBoth } : {}) };
    result.figures = {
      edgeserve: summarize(steady.edgeserve),
      bare: summarize(steady.bare),
      ratio: pairedRatio(steady.edgeserve, steady.bare),
      overheadMs: pairedDelta(steady.edgeserve, steady.bare),
      rpcFloor: rpc,
    };

    // The bare engine's second visit: a new page (new JS realm, engine initialised again), as
    // edgeserve's warm start is a new worker.
    if (skipBareWarm) return result;
    const again = await openBench(context, baseUrl, threads, log);
    result.bare.warmHttp = (await step(again, 'bareStart', spec, 'http')).start;
    lap('bare warm (HTTP cache)');
    await step(again, 'dispose');
    await again.close();
    if (tfjs) {
      const fromIdb = await openBench(context, baseUrl, threads, log);
      result.bare.warmIdb = (await step(fromIdb, 'bareStart', spec, 'idb')).start;
      await step(fromIdb, 'dispose');
      await fromIdb.close();
    }
  } catch (error) {
    result.error = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  } finally {
    await context.close();
  }
  return result;
}
