/**
 * The browser's resident memory as the OS sees it: the sum of VmRSS over Chromium's whole process
 * tree (browser, zygotes, renderers, GPU and utility processes). Chromium here is a child of this
 * Node process (Playwright starts it), so "the browser" is every process under a child of ours
 * named like Chromium — not the bench's own heap, nor esbuild's.
 *
 * Reading every /proc/<pid>/status each 50 ms took 20–45 ms on this loaded 2-core machine (a core
 * of its own, taken from the browser being measured). So the tree is found from /proc/<pid>/stat
 * now and then (refresh), and each sample reads only the tree's /proc/<pid>/statm, whose
 * resident pages are the same figure as status's VmRSS (RssAnon + RssFile + RssShmem).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcEntry {
  pid: number;
  ppid: number;
  /** comm, from /proc/<pid>/stat. */
  name: string;
}

/** /proc/<pid>/stat: `pid (comm) state ppid …`; comm may hold spaces and parentheses. */
export function parseStat(text: string): ProcEntry | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const ppid = Number(text.slice(close + 2).split(' ')[1]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid)) return undefined;
  return { pid, ppid, name: text.slice(open + 1, close) };
}

/** /proc/<pid>/statm: `size resident shared …` in pages → resident bytes. */
export function parseStatm(text: string, pageSize: number): number {
  const resident = Number(text.trim().split(/\s+/)[1]);
  return Number.isFinite(resident) ? resident * pageSize : 0;
}

/** `roots` and every process under them. */
export function descendants(table: readonly ProcEntry[], roots: readonly number[]): number[] {
  const children = new Map<number, number[]>();
  for (const e of table) children.set(e.ppid, [...(children.get(e.ppid) ?? []), e.pid]);
  const known = new Set(table.map((e) => e.pid));
  const out = new Set<number>();
  const stack = roots.filter((r) => known.has(r));
  while (stack.length) {
    const pid = stack.pop()!;
    if (out.has(pid)) continue;
    out.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return [...out];
}

/** The browser's roots: children of `parent` named like Chromium. */
export function browserRoots(table: readonly ProcEntry[], parent: number, name = /chrom/i): number[] {
  return table.filter((e) => e.ppid === parent && name.test(e.name)).map((e) => e.pid);
}

/** Sum of the resident bytes of `pids` (a pid with no reading — exited — counts 0). */
export function sumRss(pids: readonly number[], rssOf: (pid: number) => number | undefined): number {
  return pids.reduce((n, pid) => n + (rssOf(pid) ?? 0), 0);
}

export interface ProcFs {
  pids(): number[];
  read(pid: number, file: 'stat' | 'statm' | 'cmdline'): string | undefined;
}

/**
 * What a Chromium process is, from its command line: `--type=renderer`, `gpu-process`,
 * `zygote`, a utility's `--utility-sub-type=network.mojom.NetworkService` as
 * `utility NetworkService`; no `--type` is the browser process itself. The browser's arguments
 * are NUL-separated; its children rewrite their title, which joins them with spaces.
 */
export function processKind(cmdline: string | undefined): string {
  const args = (cmdline ?? '').split(/[\0 ]/);
  const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const type = flag('type');
  if (!type) return 'browser';
  if (type === 'utility') return `utility ${flag('utility-sub-type')?.split('.').pop() ?? ''}`.trim();
  return type;
}

/** One process's resident bytes at a reading. */
export interface ProcessRss {
  pid: number;
  kind: string;
  bytes: number;
}

export const realProc = (dir = '/proc'): ProcFs => ({
  pids: () =>
    readdirSync(dir)
      .filter((n) => /^\d+$/.test(n))
      .map(Number),
  read(pid, file) {
    try {
      return readFileSync(join(dir, String(pid), file), 'utf8');
    } catch {
      return undefined; // exited between listing and reading
    }
  },
});

const pageSize = (() => {
  try {
    return Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
  } catch {
    return 4096;
  }
})();

/** Chromium's process tree under `parent`, re-found every `refreshMs`: its RSS, whole or per process. */
export function browserTree(fs: ProcFs = realProc(), parent = process.pid, refreshMs = 1000, page = pageSize): { rss(): number; processes(): ProcessRss[] } {
  let pids: number[] = [];
  const kinds = new Map<number, string>();
  let foundAt = Number.NEGATIVE_INFINITY;
  const refresh = () => {
    const table = fs.pids().flatMap((pid) => {
      const e = parseStat(fs.read(pid, 'stat') ?? '');
      return e ? [e] : [];
    });
    pids = descendants(table, browserRoots(table, parent));
    // A pid gone from the tree may come back as another process of a later browser.
    for (const pid of kinds.keys()) if (!pids.includes(pid)) kinds.delete(pid);
    foundAt = Date.now();
  };
  const kindOf = (pid: number) => {
    let kind = kinds.get(pid);
    if (kind === undefined) kinds.set(pid, (kind = processKind(fs.read(pid, 'cmdline'))));
    return kind;
  };
  const residentOf = (pid: number) => {
    const t = fs.read(pid, 'statm');
    return t === undefined ? undefined : parseStatm(t, page);
  };
  return {
    rss() {
      if (Date.now() - foundAt >= refreshMs) refresh();
      return sumRss(pids, residentOf);
    },
    processes() {
      if (Date.now() - foundAt >= refreshMs) refresh();
      return pids.flatMap((pid) => {
        const bytes = residentOf(pid);
        return bytes === undefined ? [] : [{ pid, kind: kindOf(pid), bytes }];
      });
    },
  };
}
