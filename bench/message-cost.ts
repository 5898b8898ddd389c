/**
 * `npx tsx bench/message-cost.ts [--n 20] [--samples 5]`: what a message carrying tensors costs
 * the browser, by where its worker lives — the price the shared host's calls pay that a page's
 * own worker does not (docs/shared-host.md). No edgeserve code runs: a worker that answers each
 * message with a transferred Float32Array of the asked size, reached three ways from the same
 * page (tab 2 of two, as in the tabs bench):
 * - `dedicated`: the page's own worker (same renderer process);
 * - `shared, other process`: a SharedWorker tab 1 started, so it lives in tab 1's process;
 * - `shared, same process`: a SharedWorker tab 2 started itself.
 * Each sample is a fresh browser; calls alternate between the three; the ArrayBuffers are
 * transferred both ways, as edgeserve's predicts are. Prints the medians of the samples' medians
 * [min–max] per payload, in ms.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { launchFresh } from './lib/browser.js';
import { summarize } from './lib/stats.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const n = flag('--n', 20);
const samples = flag('--samples', 5);
/** Floats in, floats out: ocr-det's shapes (1×3×320×320 in, 1×1×320×320 out), a tiny call, and 8 MB each way. */
const payloads: [string, number, number][] = [
  ['4 KB in, 4 KB out', 1_024, 1_024],
  ['1.2 MB in, 0.4 MB out (ocr-det)', 307_200, 102_400],
  ['8 MB in, 8 MB out', 2_000_000, 2_000_000],
];

const workerJs = `
const answer = (port, d) => { const out = new Float32Array(d.outN); port.postMessage({ out }, [out.buffer]); };
if (typeof SharedWorkerGlobalScope !== 'undefined' && self instanceof SharedWorkerGlobalScope) {
  onconnect = (e) => { const p = e.ports[0]; p.onmessage = (m) => answer(p, m.data); };
} else { onmessage = (m) => answer(self, m.data); }`;

const pageHtml = `<!doctype html><script>
window.startShared = () => { window.shared = new SharedWorker('/w.js'); window.shared.port.start(); };
window.measure = async (n, inN, outN, ownShared) => {
  const dedicated = new Worker('/w.js');
  const other = new SharedWorker('/w.js').port; other.start();
  const own = new SharedWorker('/w.js', { name: 'own' }).port; own.start();
  const ask = (port) => new Promise((resolve) => {
    const x = new Float32Array(inN);
    const t = performance.now();
    port.onmessage = () => resolve(performance.now() - t);
    port.postMessage({ x, outN }, [x.buffer]);
  });
  const ports = { dedicated, 'shared, other process': other, 'shared, same process': own };
  const out = Object.fromEntries(Object.keys(ports).map((k) => [k, []]));
  for (const port of Object.values(ports)) await ask(port); // warm-up
  for (let i = 0; i < n; i++) for (const [k, port] of (i % 2 ? Object.entries(ports).reverse() : Object.entries(ports))) out[k].push(await ask(port));
  dedicated.terminate();
  return out;
};
</script>`;

const server = createServer((req, res) => {
  const js = req.url === '/w.js';
  res.writeHead(js || req.url === '/' ? 200 : 404, { 'content-type': js ? 'text/javascript' : 'text/html' });
  res.end(js ? workerJs : req.url === '/' ? pageHtml : '');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
process.stderr.write(`message cost: ${samples} fresh browsers × ${n} calls per way, load ${load()}\n`);

const medians: Record<string, Record<string, number[]>> = {};
for (let s = 1; s <= samples; s++) {
  const fresh = await launchFresh({ gpu: false, headed: false });
  try {
    const tab1 = await fresh.context.newPage();
    await tab1.goto(`${origin}/`);
    // Tab 1 starts the unnamed SharedWorker: it lives in tab 1's renderer process.
    await tab1.evaluate(() => (window as unknown as { startShared(): void }).startShared());
    const tab2 = await fresh.context.newPage();
    await tab2.goto(`${origin}/`);
    for (const [label, inN, outN] of payloads) {
      const out = await tab2.evaluate(([n, inN, outN]) => (window as unknown as { measure(...a: number[]): Promise<Record<string, number[]>> }).measure(n, inN, outN), [
        n,
        inN,
        outN,
      ] as const);
      for (const [way, ms] of Object.entries(out)) ((medians[label] ??= {})[way] ??= []).push(summarize(ms).median);
    }
  } finally {
    await fresh.close();
  }
}
server.close();

for (const [label] of payloads) {
  const ways = medians[label]!;
  const base = summarize(ways.dedicated!).median;
  const cells = Object.entries(ways).map(([way, ms]) => {
    const s = summarize(ms);
    return `${way} ${s.median.toFixed(2)} [${s.min.toFixed(2)}–${s.max.toFixed(2)}] ms (+${(s.median - base).toFixed(2)})`;
  });
  console.log(`${label}: ${cells.join(', ')}`);
}
process.stderr.write(`load at the end ${load()}\n`);
