/** `npx tsx bench/render.ts results.json…`: the Markdown tables of saved runs, without running anything. */
import { readFileSync } from 'node:fs';
import type { BenchResults } from './lib/results.js';
import { markdown } from './lib/table.js';

for (const file of process.argv.slice(2)) console.log(markdown(JSON.parse(readFileSync(file, 'utf8')) as BenchResults));
