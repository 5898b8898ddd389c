/**
 * Writes the generated tables into README.md between `<!-- bench:results:start -->` and
 * `<!-- bench:results:end -->`, which sit inside the bench section; nothing else is touched.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

export function writeReadme(path: string, tables: string): void {
  const text = readFileSync(path, 'utf8');
  const from = text.indexOf(START);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${path} has no ${START} … ${END} block (inside the bench section)`);
  writeFileSync(path, `${text.slice(0, from + START.length)}\n${tables.trim()}\n${text.slice(to)}`);
}
