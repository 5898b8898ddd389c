/**
 * Steady predicts from a second tab: in a fresh browser two tabs of one origin; tab 1 opens the
 * first runtime of each host (so tab 2's loads are a second tab's: the shared one joins, the
 * page one reads the store), tab 2 opens every side and times `n` calls per side, alternated
 * call by call (ABC CBA …) so the machine's load hits all sides alike.
 *
 * Sides. Isolated pages (COOP/COEP, as a threaded app serves them): the shared host (one WASM
 * thread: a SharedWorker is not cross-origin isolated), the page's own worker with its default
 * threads, and with one thread. Pages not isolated (the same page without those headers, where
 * `auto` picks the shared host): the shared host, and the page's own worker (one thread).
 */
import type { Page } from '@playwright/test';
import { launchFresh } from '../lib/browser.js';
import { summarize } from '../lib/stats.js';
import type { TabOpen } from '../pages/tabs-page.js';
import { disposeTabs, errorText, openIn, openTabs, routeNotIsolated, withTimeout } from './tabs-browser.js';
import type { SteadySample, TabRecord } from './tabs-results.js';

export type Setting = SteadySample['setting'];

interface SideSpec {
  side: string;
  open: Omit<TabOpen, 'key' | 'model'>;
  /** Tab 1 opens it too, before tab 2 does. */
  inFirstTab: boolean;
}

export function sidesFor(setting: Setting): SideSpec[] {
  if (setting === 'isolated')
    return [
      { side: 'shared', open: { host: 'shared', storeName: 'tabs-shared' }, inFirstTab: true },
      { side: 'page, threads', open: { host: 'page', storeName: 'tabs-page' }, inFirstTab: true },
      { side: 'page, 1 thread', open: { host: 'page', threads: 1, storeName: 'tabs-page' }, inFirstTab: false },
    ];
  return [
    { side: 'shared', open: { host: 'shared', storeName: 'tabs-shared-ni' }, inFirstTab: true },
    { side: 'page', open: { host: 'page', storeName: 'tabs-page-ni' }, inFirstTab: true },
  ];
}

/** Rotates a list by `i` (the sides' order changes from sample to sample). */
const rotate = <T>(xs: readonly T[], i: number): T[] => xs.map((_, j) => xs[(i + j) % xs.length]!);

export interface SteadyOptions {
  models: string[];
  warmup: number;
  iterations: number;
  timeoutMs: number;
  log: (line: string) => void;
}

async function oneModel(tabs: Page[], setting: Setting, model: string, sample: number, o: SteadyOptions): Promise<SteadySample> {
  const [first, second] = tabs as [Page, Page];
  const specs = rotate(sidesFor(setting), sample - 1);
  const out: SteadySample = { setting, model, sample, ok: false, sides: [] };
  try {
    for (const s of specs.filter((x) => x.inFirstTab)) await openIn(first, { ...s.open, key: s.side, model }, o.timeoutMs);
    const loads: TabRecord[] = [];
    for (const s of specs) loads.push(await openIn(second, { ...s.open, key: s.side, model }, o.timeoutMs));
    const keys = specs.map((s) => s.side);
    const ms = await withTimeout(
      second.evaluate(([k, w, n]) => window.tabs.steady(k, w, n), [keys, o.warmup, o.iterations] as const),
      o.timeoutMs,
      `steady ${model}`,
    );
    const host = await second.evaluate(([k, m]) => window.tabs.hostMs(k, m), [keys, model] as const);
    out.sides = specs.map((s, i) => ({ side: s.side, load: loads[i]!, ms: ms[i]!, host: host[i]! }));
    out.ok = true;
  } catch (e) {
    out.error = errorText(e);
  }
  for (const tab of tabs)
    await withTimeout(
      tab.evaluate(() => window.tabs.dispose()),
      10_000,
      'dispose',
    ).catch(() => undefined);
  return out;
}

/** One sample of a setting: a fresh browser, two tabs, every model in turn. */
export async function runSteadyUnit(setting: Setting, sample: number, baseUrl: string, o: SteadyOptions): Promise<SteadySample[]> {
  const fresh = await launchFresh({ gpu: false, headed: false });
  const out: SteadySample[] = [];
  try {
    if (setting === 'not isolated') await routeNotIsolated(fresh.context);
    const tabs = await openTabs(fresh.context, baseUrl, 2, setting === 'isolated');
    for (const model of o.models) {
      const r = await oneModel(tabs, setting, model, sample, o);
      out.push(r);
      o.log(
        `  steady ${setting} ${model} #${sample}: ${
          r.ok
            ? r.sides
                .map(
                  (s) =>
                    `${s.side} ${summarize(s.ms).median.toFixed(2)} ms (in host: queue ${s.host?.queue.toFixed(2)}, engine ${s.host?.compute.toFixed(2)}; tab 2 first answer ${Math.round(s.load.firstAnswerMs)} ms)`,
                )
                .join(', ')
            : `FAILED ${r.error}`
        }`,
      );
    }
    await disposeTabs(tabs);
  } catch (e) {
    out.push({ setting, model: '(all)', sample, ok: false, error: `harness: ${errorText(e)}`, sides: [] });
  } finally {
    await fresh.close().catch(() => undefined);
  }
  return out;
}
