/**
 * The minimal demo: one text line, drawn on a canvas, read by ocr-rec and oriented by ocr-cls,
 * with download progress, what actually ran, and clear errors. (The full fp32-vs-int8
 * playground is its own issue.)
 */
import { createRuntime, ctcDecode, EdgeServeError, imageToNchw, type BackendChoice, type Model, type ModelInfo, type Precision, type Runtime } from '../src/index.js';
import { drawTextLine, lineWidth } from './text-line.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  text: $<HTMLInputElement>('text'),
  backend: $<HTMLSelectElement>('backend'),
  precision: $<HTMLSelectElement>('precision'),
  run: $<HTMLButtonElement>('run'),
  clear: $<HTMLButtonElement>('clear'),
  progress: $<HTMLElement>('progress'),
  progressLabel: $<HTMLElement>('progress-label'),
  progressBar: $<HTMLProgressElement>('progress-bar'),
  line: $<HTMLCanvasElement>('line'),
  read: $<HTMLElement>('read'),
  direction: $<HTMLElement>('direction'),
  info: $<HTMLTableElement>('info'),
  error: $<HTMLElement>('error'),
};

let runtime: Runtime | undefined;
let loaded: { key: string; rec: Model; cls: Model; labels: string[] } | undefined;

function showError(error: unknown): void {
  const message = error instanceof EdgeServeError ? `${error.code}: ${error.message}` : String(error);
  ui.error.textContent = message;
  ui.error.hidden = false;
}

function showInfo(infos: ModelInfo[]): void {
  const rows = infos.flatMap((info) => [
    [`${info.id}`, `${info.engine} on ${info.backend.toUpperCase()}${info.wasmThreads > 1 ? ` (${info.wasmThreads} threads)` : ''}, ${info.precision}, v${info.version}`],
    [`${info.id} bytes`, `${(info.bytes / 1e6).toFixed(2)} MB ${info.fromCache ? 'from IndexedDB' : 'downloaded'} in ${info.loadMs} ms`],
    ...(info.fallback ? [[`${info.id} fallback`, `not ${info.fallback.from}: ${info.fallback.reason}`]] : []),
  ]);
  ui.info.tBodies[0]!.replaceChildren(
    ...rows.map(([k, v]) => {
      const tr = document.createElement('tr');
      for (const text of [k, v]) tr.appendChild(document.createElement('td')).textContent = text ?? '';
      return tr;
    }),
  );
}

async function ensureModels(): Promise<NonNullable<typeof loaded>> {
  const backend = ui.backend.value as BackendChoice;
  const precision = ui.precision.value as Precision;
  const key = `${backend}/${precision}`;
  if (loaded?.key === key) return loaded;
  runtime?.dispose();
  runtime = createRuntime({ backend });
  ui.progress.hidden = false;
  const onProgress = (p: { id: string; phase: string; loaded: number; total: number }) => {
    ui.progressLabel.textContent = `${p.id}: ${p.phase}${p.total ? ` ${(p.loaded / 1e6).toFixed(1)} / ${(p.total / 1e6).toFixed(1)} MB` : ''}`;
    ui.progressBar.value = p.total ? p.loaded / p.total : 0;
  };
  const manifest = await runtime.manifest();
  const labels = manifest.models.find((m) => m.id === 'ocr-rec')?.labels ?? [];
  const rec = await runtime.load('ocr-rec', { precision, onProgress });
  const cls = await runtime.load('ocr-cls', { precision, onProgress });
  ui.progress.hidden = true;
  loaded = { key, rec, cls, labels };
  return loaded;
}

async function read(): Promise<void> {
  ui.error.hidden = true;
  ui.run.disabled = true;
  try {
    const text = ui.text.value || ' ';
    const width = Math.max(64, lineWidth(text));
    const image = drawTextLine(text, width, 48);
    ui.line.width = width;
    ui.line.getContext('2d')!.putImageData(image, 0, 0);
    const { rec, cls, labels } = await ensureModels();
    const started = performance.now();
    const out = Object.values(await rec.predict({ x: imageToNchw(image) }))[0]!;
    ui.read.textContent = ctcDecode(out.data as Float32Array, out.dims, labels).trim() || '(nothing)';
    const clsOut = Object.values(await cls.predict({ x: imageToNchw(drawTextLine(text, 192, 48)) }))[0]!.data as Float32Array;
    ui.direction.textContent = `${clsOut[0]! >= clsOut[1]! ? 'upright' : 'turned 180°'} (${(Math.max(clsOut[0]!, clsOut[1]!) * 100).toFixed(1)}%)`;
    showInfo([rec.info(), cls.info()]);
    ui.read.title = `${Math.round(performance.now() - started)} ms`;
  } catch (error) {
    showError(error);
  } finally {
    ui.run.disabled = false;
    ui.progress.hidden = true;
  }
}

async function offerPrecisions(): Promise<void> {
  const probe = createRuntime();
  try {
    const manifest = await probe.manifest();
    const precisions = new Set(manifest.models.filter((m) => m.id.startsWith('ocr-')).flatMap((m) => m.versions[0]?.variants.map((v) => v.precision) ?? []));
    ui.precision.replaceChildren(...[...precisions].map((p) => Object.assign(document.createElement('option'), { value: p, textContent: p })));
  } catch (error) {
    showError(error);
  } finally {
    probe.dispose();
  }
}

ui.run.addEventListener('click', () => void read());
ui.clear.addEventListener('click', async () => {
  const cache = (runtime ??= createRuntime()).cache;
  const removed = await cache.clear().catch((error: unknown) => (showError(error), 0));
  loaded = undefined;
  ui.info.tBodies[0]!.replaceChildren();
  ui.read.textContent = `cache cleared (${removed} models)`;
});
ui.text.addEventListener('keydown', (event) => event.key === 'Enter' && void read());
await offerPrecisions();
await read();
