/**
 * Writes the generated tables into docs/benchmarks.md between `<!-- bench:results:start -->` and
 * `<!-- bench:results:end -->`; nothing else in the page is touched. The README is the user's
 * page and never rewritten by a run: it links here.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

export function writeBenchPage(path: string, tables: string): void {
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${path} has no ${START} … ${END} block`);
  writeFileSync(path, `${text.slice(0, from + START.length)}\n${tables.trim()}\n${text.slice(to)}`);
}
