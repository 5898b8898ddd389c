/**
 * Memory with several tabs: in a fresh browser, `tabs` pages are opened and left idle (the
 * baseline), then each loads the big model and answers once, one tab after the other, while the
 * browser's RSS is sampled (peak); settled RSS is read 3 s after the last. With host 'shared'
 * the first tab opens the session and the others join it; with 'page' each tab's own worker
 * reads the model from the store and holds its own copy.
 */
import { launchFresh } from '../lib/browser.js';
import type { MadeModel } from '../scale/make-models.js';
import { steadyRss, watchRss } from '../scale/rss-sampler.js';
import { disposeTabs, errorText, openIn, openTabs } from './tabs-browser.js';
import type { MemorySample } from './tabs-results.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** After the last tab's first answer, before settled RSS is read (as the scale bench's dwell). */
const DWELL_MS = 3000;

export interface MemoryUnit {
  host: 'shared' | 'page';
  tabs: number;
}

export async function runMemoryUnit(unit: MemoryUnit, sample: number, model: MadeModel, baseUrl: string, timeoutMs: number): Promise<MemorySample> {
  const fresh = await launchFresh({ gpu: false, headed: false });
  const out: MemorySample = { ...unit, sample, ok: false, idleBytes: 0, loads: [] };
  try {
    const pages = await openTabs(fresh.context, baseUrl, unit.tabs);
    await sleep(500);
    out.idleBytes = await steadyRss();
    const watch = watchRss(50);
    try {
      for (const [i, page] of pages.entries()) {
        const load = await openIn(
          page,
          { key: 'big', host: unit.host, threads: 1, storeName: 'edgeserve-tabs', manifestUrl: `${baseUrl}/scale-models/manifest.json`, model: model.id, k: model.k },
          timeoutMs,
          model.expected,
        );
        out.loads.push(load);
        if (load.maxAbsDiff !== 0) throw new Error(`tab ${i + 1}: wrong output (max |Δ| ${load.maxAbsDiff})`);
      }
    } catch (e) {
      out.error = errorText(e);
    }
    out.peakBytes = watch.stop().peak;
    if (!out.error) {
      await sleep(DWELL_MS);
      out.settledBytes = await steadyRss();
      out.ok = true;
    }
    await disposeTabs(pages);
  } catch (e) {
    out.error = `harness: ${errorText(e)}`;
  } finally {
    await fresh.close().catch(() => undefined);
  }
  return out;
}
