// The scale bench's table (bench/scale/scale-table.ts) and options (scale-args.ts): medians and
// spread of the ok samples, ratios to the bare side of the same layout, RSS over idle as × model,
// failures counted with their error.
import { describe, expect, it } from 'vitest';
import { parseScaleArgs } from '../../bench/scale/scale-args.js';
import type { ScaleResults, ScaleSample } from '../../bench/scale/scale-results.js';
import { mergeRuns, scalePage, scaleTable, summarizeSide } from '../../bench/scale/scale-table.js';

const MB = 1e6;
const ok = (side: ScaleSample['side'], sample: number, loadMs: number, peakMb: number, settledMb: number): ScaleSample => ({
  side,
  sample,
  ok: true,
  loadMs,
  firstPredictMs: 50,
  maxAbsDiff: 0,
  idleBytes: 300 * MB,
  peakBytes: (300 + peakMb) * MB,
  settledBytes: (300 + settledMb) * MB,
});
const failed = (side: ScaleSample['side'], sample: number, error: string): ScaleSample => ({ side, sample, ok: false, error, idleBytes: 300 * MB, peakBytes: 4500 * MB });

const results = (samples: ScaleSample[]): ScaleResults => ({
  date: '2026-12-04T23:00:00.000Z',
  command: 'npm run bench -- --scale --sizes 64',
  durationS: 120,
  environment: { browser: 'Chromium 150', cores: 2, memTotalMb: 24_105, loadAverage: [1, 2, 3], commit: 'abc1234' },
  settings: { samples: 3, threads: 1, sizes: [64], sides: ['edgeserve', 'bare'] },
  packedExternal: [],
  sizes: [{ id: 'scale-64mb', mib: 64, modelBytes: 64 * MB, samples }],
});

describe('scale table', () => {
  const samples = [
    ok('edgeserve cold', 1, 4000, 470, 300),
    ok('edgeserve cold', 2, 5000, 480, 310),
    ok('edgeserve cold', 3, 4400, 460, 320),
    ok('edgeserve warm', 1, 2000, 160, 128),
    ok('edgeserve warm', 2, 2100, 170, 130),
    failed('edgeserve warm', 3, 'std::bad_alloc'),
    ok('bare', 1, 2000, 460, 460),
    ok('bare', 2, 2200, 480, 470),
    ok('bare', 3, 1800, 440, 450),
  ];

  it('summarises the ok samples and keeps the failures with their error', () => {
    const warm = summarizeSide('edgeserve warm', samples);
    expect(warm).toMatchObject({ n: 3, ok: 2, loadMs: { median: 2000, min: 2000, max: 2100 }, peakOverIdle: 160 * MB, errors: ['std::bad_alloc'] });
    expect(summarizeSide('edgeserve cold', samples)).toMatchObject({
      loadMs: { median: 4400, min: 4000, max: 5000 },
      peakOverIdle: 470 * MB,
      settledOverIdle: 310 * MB,
      maxAbsDiff: 0,
    });
  });

  it('renders ratios to bare, RSS as × model, and the failures', () => {
    const table = scaleTable(results(samples));
    expect(table).toContain('| 64 MB | edgeserve cold | 3/3 | 4.40 s (4.00–5.00) | 2.20× | 50 ms | exact | 470 MB (7.3×) | 310 MB (4.8×) |  |');
    expect(table).toContain('| 64 MB | edgeserve warm | 2/3 | 2.00 s (2.00–2.10) | 1.00× |');
    expect(table).toContain('1 of 3 failed: std::bad_alloc');
    expect(table).toContain('| 64 MB | bare | 3/3 | 2.00 s (1.80–2.20) |  |');
  });

  it('shows a side whose every sample failed, and no ratio against a failed bare side', () => {
    const table = scaleTable(results([failed('edgeserve cold', 1, 'bad_alloc'), failed('bare', 1, 'Aborted()')]));
    expect(table).toContain('| 64 MB | edgeserve cold | 0/1 | failed | – |');
    expect(table).toContain('1 of 1 failed: Aborted()');
    // How far memory got before the failure: 4500 − 300 MB.
    expect(table).toContain('4,200 MB (65.6×) when it failed');
  });

  it('drops stack frames from the failure shown', () => {
    const table = scaleTable(results([failed('bare', 1, "Error: Can't create a session. std::bad_alloc     at e.onmessage (http://localhost:4211/assets/scale-B.js:5:8863)")]));
    expect(table).toContain("1 of 1 failed: Error: Can't create a session. std::bad_alloc |");
  });

  it('says at the top of the page which command wrote it', () => {
    expect(
      scalePage([results(samples)])
        .split('\n')
        .slice(0, 4)
        .join('\n'),
    ).toContain('`npm run bench -- --scale --sizes 64`');
  });

  it('keeps the sizes a newer run did not measure, under their own command', () => {
    const older = { ...results(samples), command: 'older', sizes: [results(samples).sizes[0]!, { id: 'scale-256mb', mib: 256, modelBytes: 256 * MB, samples }] };
    const runs = mergeRuns([older], results([ok('bare', 1, 9, 1, 1)]));
    expect(runs.map((r) => [r.command, r.sizes.map((s) => s.mib)])).toEqual([
      ['older', [256]],
      ['npm run bench -- --scale --sizes 64', [64]],
    ]);
    expect(mergeRuns(runs, { ...results(samples), sizes: [{ id: 'scale-256mb', mib: 256, modelBytes: 256 * MB, samples }] }).map((r) => r.sizes[0]!.mib)).toEqual([64, 256]);
  });
});

describe('scale options', () => {
  it('reads sizes in MB or GB, samples and threads', () => {
    const a = parseScaleArgs(['--sizes', '64,256,1g', '--samples', '5', '--threads', '2'], {});
    expect(a).toMatchObject({ sizes: [64, 256, 1024], samples: 5, threads: 2, port: 4211, build: true, commit: 'HEAD', docs: true });
    expect(parseScaleArgs([], {}).sizes).toEqual([64, 256, 1024]);
  });

  it('refuses what it cannot use', () => {
    expect(() => parseScaleArgs(['--sizes', '64x'], {})).toThrow(/not a size/);
    expect(() => parseScaleArgs(['--samples', '0'], {})).toThrow(/--samples/);
    expect(() => parseScaleArgs(['--sides', 'edgeserve,tfjs'], {})).toThrow(/unknown tfjs/);
  });
});
