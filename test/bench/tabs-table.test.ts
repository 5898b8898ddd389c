// The tabs bench's tables (bench/tabs/tabs-table.ts) and options (tabs-args.ts): memory ratios
// paired per round (N tabs ÷ one tab), what a second tab's load did (joined or read the store),
// steady ratios taken per sample, failures counted, and the docs page's runs merged by part.
import { describe, expect, it } from 'vitest';
import type { MemorySample, SteadySample, TabRecord, TabsResults } from '../../bench/tabs/tabs-results.js';
import { mergeTabsRuns, tabsPage, tabsTables } from '../../bench/tabs/tabs-table.js';
import { parseTabsArgs } from '../../bench/tabs/tabs-args.js';

const MB = 1e6;
const load = (host: 'shared' | 'page', firstAnswerMs: number, joined: number): TabRecord => ({
  loadMs: firstAnswerMs - 10,
  firstAnswerMs,
  phases: host === 'page' ? { manifest: 5, verify: 50, compile: 400, ready: 900 } : joined ? {} : { manifest: 5, download: 40, compile: 500, ready: 900 },
  fromCache: host === 'page' || joined > 0,
  wasmThreads: 1,
  handle: 'h1',
  host,
  reason: 'asked',
  crossOriginIsolated: true,
  ...(host === 'shared' ? { shared: { pages: joined + 1, sessionsOpened: 1, loadsJoined: joined }, reads: 1 } : {}),
  maxAbsDiff: 0,
});
const mem = (host: 'shared' | 'page', tabs: number, sample: number, settledMb: number): MemorySample => ({
  host,
  tabs,
  sample,
  ok: true,
  idleBytes: 500 * MB,
  peakBytes: (500 + settledMb + 200) * MB,
  settledBytes: (500 + settledMb) * MB,
  loads: Array.from({ length: tabs }, (_, i) => load(host, host === 'shared' && i > 0 ? 300 : 60_000, host === 'shared' ? i : 0)),
});
const steady = (setting: SteadySample['setting'], sample: number, sharedMs: number, pageMs: number): SteadySample => ({
  setting,
  model: 'ocr-cls',
  sample,
  ok: true,
  sides: [
    { side: 'shared', load: load('shared', 200, 1), ms: [sharedMs, sharedMs, sharedMs + 50] },
    { side: 'page', load: load('page', 12_000, 0), ms: [pageMs, pageMs + 1, pageMs - 1] },
  ],
});
const results = (memory: MemorySample[], steadySamples: SteadySample[]): TabsResults => ({
  date: '2026-12-05T02:00:00.000Z',
  command: 'npm run bench -- --tabs',
  durationS: 600,
  environment: { browser: 'Chromium 150', cores: 2, memTotalMb: 24_105, loadAverage: [20, 20, 20], commit: 'abc1234' },
  settings: { samples: 2, tabs: 4, iterations: 3, warmup: 1, models: ['ocr-cls'], parts: ['memory', 'steady'] },
  big: { id: 'scale-256mb', bytes: 256 * 2 ** 20 },
  memory,
  steady: steadySamples,
});

describe('tabs tables', () => {
  const r = results(
    [
      mem('shared', 1, 1, 400),
      mem('shared', 4, 1, 440),
      mem('page', 1, 1, 400),
      mem('page', 4, 1, 1600),
      mem('shared', 1, 2, 500),
      mem('shared', 4, 2, 500),
      mem('page', 1, 2, 300),
      { ...mem('page', 4, 2, 0), ok: false, error: 'renderer crashed', settledBytes: undefined },
    ],
    [steady('not isolated', 1, 100, 200), steady('not isolated', 2, 90, 100)],
  );
  const text = tabsTables(r);
  const row = (start: string) => text.split('\n').find((l) => l.startsWith(start)) ?? '';

  it('divides N tabs by one tab per round, and counts a failed sample with its error', () => {
    // Shared: 440/400 and 500/500 → median of [1.1, 1.0] (nearest rank: 1.00), 1.00–1.10.
    expect(row('| 4 | shared |')).toContain('| 1.00× (1.00×–1.10×) |');
    // Against the page's one tab: 440/400 = 1.10, 500/300 = 1.67.
    expect(row('| 4 | shared |')).toContain('| 1.10× (1.10×–1.67×) |');
    expect(row('| 4 | page |')).toContain('1/2 (renderer crashed)');
    expect(row('| 4 | page |')).toContain('| 4.00× (4.00×–4.00×) |');
  });

  it("says what a second tab's load did", () => {
    const shared = row('| scale-256mb (tab 2 of 4) | isolated | shared |');
    expect(shared).toContain("joined tab 1's session");
    // A load that read the store again did not join, whatever the host's counters say.
    const reread = tabsTables({ ...r, memory: r.memory.map((s) => ({ ...s, loads: s.loads.map((l) => ({ ...l, reads: 2 })) })) });
    expect(reread).toContain('did NOT join');
    expect(shared).toContain('phases: none');
    const page = row('| scale-256mb (tab 2 of 4) | isolated | page |');
    expect(page).toContain('read from the store; phases: manifest, verify, compile');
    expect(page).toContain('| 200.00× |');
  });

  it('takes steady ratios per sample (calls alternated in one page)', () => {
    // Per-sample medians: shared 100 and 90, page 200 and 100 → shared ÷ page 0.5 and 0.9.
    expect(row('| ocr-cls | not isolated | page (1 thread) |')).toContain('shared ÷ this: 0.50× (0.50×–0.90×)');
    expect(row('| ocr-cls | not isolated | shared (1 thread) |')).toContain('| 90.00 (90.00–100) |');
  });

  it('keeps an earlier run for the parts a newer run did not measure', () => {
    const memoryOnly = { ...r, steady: [] };
    const steadyOnly = { ...r, memory: [], date: 'later' };
    const runs = mergeTabsRuns([memoryOnly], steadyOnly);
    expect(runs.map((x) => [x.memory.length, x.steady.length])).toEqual([
      [8, 0],
      [0, 2],
    ]);
    expect(mergeTabsRuns(runs, r)).toEqual([r]);
    expect(tabsPage(runs)).toContain('### 4 tabs on one 256 MB model');
  });

  it('reads its options', () => {
    expect(parseTabsArgs([], {})).toMatchObject({ samples: 5, tabs: 4, port: 4307, parts: ['memory', 'steady'], models: ['ocr-cls', 'ocr-det', 'ocr-rec', 'silero-vad'] });
    expect(parseTabsArgs(['--parts', 'steady', '--samples', '3'], {})).toMatchObject({ parts: ['steady'], samples: 3 });
    expect(() => parseTabsArgs(['--parts', 'cpu'], {})).toThrow(/unknown cpu/);
  });
});
