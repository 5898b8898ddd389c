/** `npm run bench -- --docs` writes its tables into docs/benchmarks.md and nowhere else. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeBenchPage } from '../../bench/lib/docs-page.js';

const root = new URL('../../', import.meta.url);

describe('bench docs page', () => {
  it('replaces only what lies between the results markers', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bench-page-')), 'benchmarks.md');
    writeFileSync(path, 'before\n<!-- bench:results:start -->\nold table\n<!-- bench:results:end -->\nafter\n');
    writeBenchPage(path, '\n| new | table |\n');
    expect(readFileSync(path, 'utf8')).toBe('before\n<!-- bench:results:start -->\n| new | table |\n<!-- bench:results:end -->\nafter\n');
  });

  it('refuses a page without the markers rather than append to it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'bench-page-')), 'benchmarks.md');
    writeFileSync(path, 'no markers\n');
    expect(() => writeBenchPage(path, 'x')).toThrow(/bench:results:start/);
    expect(readFileSync(path, 'utf8')).toBe('no markers\n');
  });

  it('has its markers in docs/benchmarks.md, and none left in the README', () => {
    const page = readFileSync(new URL('docs/benchmarks.md', root), 'utf8');
    expect(page.indexOf('<!-- bench:results:start -->')).toBeGreaterThanOrEqual(0);
    expect(page.indexOf('<!-- bench:results:end -->')).toBeGreaterThan(page.indexOf('<!-- bench:results:start -->'));
    expect(readFileSync(new URL('README.md', root), 'utf8')).not.toContain('bench:results:start');
  });
});
