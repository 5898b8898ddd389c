// The scale bench's memory reading (bench/scale/proc-rss.ts) over a fake /proc: the sum covers
// Chromium's whole tree under this process, and nothing else.
import { describe, expect, it, vi } from 'vitest';
import { browserTree, descendants, parseStat, parseStatm, processKind, type ProcessRss, type ProcFs } from '../../bench/scale/proc-rss.js';
import { watchRss } from '../../bench/scale/rss-sampler.js';

const stat = (pid: number, name: string, ppid: number) => `${pid} (${name}) S ${ppid} ${pid} ${pid} 0 -1 4194560 100 0 0 0`;

/** node 100 runs chromium 200 (zygote 300 → renderers 301, 302; GPU 210) and esbuild 201; another chromium 500 belongs to someone else. */
const PROCS: Record<number, { stat: string; resident: number }> = {
  1: { stat: stat(1, 'init', 0), resident: 1000 },
  100: { stat: stat(100, 'node', 1), resident: 50_000 },
  200: { stat: stat(200, 'chromium', 100), resident: 100 },
  201: { stat: stat(201, 'esbuild', 100), resident: 7_000 },
  210: { stat: stat(210, 'chromium', 200), resident: 20 },
  300: { stat: stat(300, 'chromium', 200), resident: 10 },
  301: { stat: stat(301, 'Web Content (x) )', 300), resident: 3 },
  302: { stat: stat(302, 'chromium', 300), resident: 4 },
  500: { stat: stat(500, 'chromium', 1), resident: 9_000 },
};

const CMDLINES: Record<number, string> = {
  210: 'chromium\0--type=gpu-process\0--use-gl=angle',
  300: 'chromium\0--type=zygote',
  301: 'chromium\0--type=renderer\0--enable-unsafe-webgpu',
  // Chromium's children rewrite their title: one string, arguments joined by spaces.
  302: '/usr/lib/chromium/chromium --type=utility --utility-sub-type=network.mojom.NetworkService --lang=en-US',
};

const fakeProc = (procs = PROCS): ProcFs => ({
  pids: () => Object.keys(procs).map(Number),
  read: (pid, file) =>
    procs[pid] ? (file === 'stat' ? procs[pid].stat : file === 'cmdline' ? (CMDLINES[pid] ?? 'chromium\0--no-sandbox') : `999 ${procs[pid].resident} 5 1 0 2 0`) : undefined,
});

describe('browser RSS over a process tree', () => {
  it('parses stat lines whose command name holds spaces and parentheses', () => {
    expect(parseStat(stat(301, 'Web Content (x) )', 300))).toEqual({ pid: 301, ppid: 300, name: 'Web Content (x) )' });
    expect(parseStat('')).toBeUndefined();
  });

  it('reads resident pages from statm', () => {
    expect(parseStatm('999 25 5 1 0 2 0\n', 4096)).toBe(25 * 4096);
  });

  it('finds every descendant, grandchildren too', () => {
    const table = Object.values(PROCS).map((p) => parseStat(p.stat)!);
    expect(descendants(table, [200]).sort()).toEqual([200, 210, 300, 301, 302]);
  });

  it('sums the Chromium tree under this process only: not itself, its esbuild, or another browser', () => {
    expect(browserTree(fakeProc(), 100, 0, 4096).rss()).toBe((100 + 20 + 10 + 3 + 4) * 4096);
  });

  it('counts a process that exited between the listing and its read as nothing', () => {
    const procs = { ...PROCS };
    const fs = fakeProc(procs);
    const tree = browserTree(fs, 100, 60_000, 1);
    expect(tree.rss()).toBe(137);
    delete procs[301];
    expect(tree.rss()).toBe(134);
  });

  it('names each process by its --type, a utility by its sub-type, none as the browser', () => {
    const byPid = browserTree(fakeProc(), 100, 0, 1)
      .processes()
      .sort((a, b) => a.pid - b.pid);
    expect(byPid).toEqual([
      { pid: 200, kind: 'browser', bytes: 100 },
      { pid: 210, kind: 'gpu-process', bytes: 20 },
      { pid: 300, kind: 'zygote', bytes: 10 },
      { pid: 301, kind: 'renderer', bytes: 3 },
      { pid: 302, kind: 'utility NetworkService', bytes: 4 },
    ]);
    expect(processKind(undefined)).toBe('browser');
  });
});

describe('watching RSS with a trace', () => {
  it('keeps every sample, when the peak fell, and each process at the peak', () => {
    vi.useFakeTimers();
    try {
      const readings: ProcessRss[][] = [
        [{ pid: 1, kind: 'renderer', bytes: 10 }],
        [
          { pid: 1, kind: 'renderer', bytes: 30 },
          { pid: 2, kind: 'gpu-process', bytes: 50 },
        ],
        [{ pid: 1, kind: 'renderer', bytes: 20 }],
      ];
      let i = 0;
      const watch = watchRss(50, () => 0, { readProcesses: () => readings[Math.min(i++, readings.length - 1)]! });
      vi.advanceTimersByTime(50);
      const { peak, samples, trace } = watch.stop();
      expect(peak).toBe(80);
      expect(samples).toBe(3);
      expect(trace!.points.map(([, bytes]) => bytes)).toEqual([10, 80, 20]);
      expect(trace!.peakAtMs).toBe(50);
      expect(trace!.atPeak.map((p) => p.pid)).toEqual([2, 1]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('without a trace reads only the total', () => {
    const watch = watchRss(1000, () => 42);
    expect(watch.stop()).toEqual({ peak: 42, samples: 2 });
  });
});
