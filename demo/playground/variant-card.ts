/** One variant's card: what ran (from model.info()), download progress, latency, and its result drawn over the image. */
import type { LoadProgress, ModelInfo, TextBox } from '../../src/index.js';
import type { RunOutput } from './subjects.js';
import { LoadProgressView } from './load-progress.js';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;
const ms = (value: number) => (value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function describeInfo(info: ModelInfo): string {
  const threads = info.backend === 'wasm' && info.wasmThreads > 1 ? ` ×${info.wasmThreads} threads` : '';
  return `${info.id} ${info.precision} v${info.version} · ${info.engine} on ${info.backend === 'webgpu' ? 'WebGPU' : 'WASM'}${threads}`;
}

export class VariantCard {
  readonly root: HTMLElement;
  /** What the last load ran on (the offline check needs its engine files). */
  infos: ModelInfo[] = [];
  private readonly ran = el('ul', { className: 'ran' });
  private readonly loading = new LoadProgressView();
  private readonly load = el('div', { className: 'load', hidden: true }, this.loading.bar, this.loading.label);
  private readonly stats = new Map<string, HTMLElement>();
  private readonly view = el('canvas', { className: 'view' });
  private readonly summary = el('p', { className: 'summary' });
  private readonly note = el('p', { className: 'note', hidden: true });
  private readonly built = el('p', { className: 'built', hidden: true });

  constructor(readonly precision: string) {
    const dl = el('dl', { className: 'stats' });
    for (const [key, label] of [
      ['size', 'Download size'],
      ['load', 'Load time'],
      ['first', 'First run'],
      ['median', 'Median (steady)'],
      ['p95', 'p95 (steady)'],
    ] as const) {
      const dd = el('dd', { textContent: '—' });
      dd.dataset.stat = key;
      this.stats.set(key, dd);
      dl.append(el('dt', { textContent: label }), dd);
    }
    this.root = el(
      'article',
      { className: 'variant' },
      el('header', {}, el('h2', { textContent: precision })),
      this.ran,
      this.load,
      this.loading.log,
      this.note,
      this.built,
      dl,
      this.view,
      this.summary,
    );
    this.root.dataset.precision = precision;
  }

  reset(): void {
    this.infos = [];
    this.root.classList.remove('unavailable', 'disagrees');
    this.built.hidden = true;
    this.note.hidden = true;
    this.ran.replaceChildren();
    this.loading.reset();
    for (const dd of this.stats.values()) dd.textContent = '—';
    this.summary.textContent = '';
    this.view.hidden = true;
  }

  unavailable(message: string): void {
    this.reset();
    this.root.classList.add('unavailable');
    this.showNote(message);
  }

  showNote(message: string): void {
    this.note.textContent = message;
    this.note.hidden = false;
  }

  /** The agreement with fp32 measured when the variant was built; a disagreeing variant is flagged. */
  buildAgreement(lines: string[], disagrees: boolean): void {
    if (lines.length === 0) return;
    this.built.textContent = (disagrees ? '⚠ This variant disagrees with fp32. ' : '') + lines.join('\n');
    this.built.hidden = false;
    this.root.classList.toggle('disagrees', disagrees);
    this.root.dataset.disagrees = String(disagrees);
  }

  progress(p: LoadProgress): void {
    this.load.hidden = p.phase === 'ready';
    this.loading.update(p);
  }

  loaded(infos: ModelInfo[], wallMs: number): void {
    this.infos = infos;
    this.load.hidden = true;
    this.ran.replaceChildren(...infos.map((info) => el('li', { textContent: describeInfo(info) })));
    const bytes = infos.reduce((n, i) => n + i.bytes, 0);
    const cached = infos.filter((i) => i.fromCache).length;
    const source =
      cached === infos.length ? 'from the device cache (IndexedDB)' : cached === 0 ? 'over the network' : `${infos.length - cached} of ${infos.length} over the network`;
    this.stat('size', mb(bytes));
    // The runtime's own figure (info.loadMs) beside the page's wall time, which adds the round trips.
    this.stat('load', `${ms(wallMs)} ${source} (runtime ${ms(infos.reduce((n, i) => n + i.loadMs, 0))})`);
    // One line per distinct reason: three OCR models skipping a software adapter say it once.
    const notes = new Set(
      infos.flatMap((i) => [
        ...(i.fallback ? [`Not on ${i.fallback.from === 'webgpu' ? 'WebGPU' : i.fallback.from}: ${i.fallback.reason}`] : []),
        ...(i.storing ? ['Big model: it answers now, while this device still stores it.'] : []),
        ...(!i.stored && !i.storing
          ? ['Storage is full or blocked: the model could not be kept on this device. It runs from memory this session and downloads again next time.']
          : []),
      ]),
    );
    if (notes.size) this.showNote([...notes].join('\n'));
    this.note.title = infos.flatMap((i) => (i.storeError ? [i.storeError] : [])).join('\n');
  }

  /** Whatever happened, no download is in progress any more. */
  settle(): void {
    this.load.hidden = true;
  }

  firstRun(value: number): void {
    this.stat('first', ms(value));
  }

  steady(median: number, p95: number, runs: number): void {
    this.stat('median', `${ms(median)} (${runs} ${runs === 1 ? 'run' : 'runs'})`);
    this.stat('p95', ms(p95));
  }

  result(out: RunOutput, image: ImageData | undefined): void {
    this.summary.textContent = out.summary;
    const boxes = out.ocr?.lines.map((l) => ({ box: l.box, text: l.text, rotated: l.rotated })) ?? out.boxes?.map((box) => ({ box, text: '', rotated: false }));
    if (!image || !boxes) {
      this.view.hidden = true;
      return;
    }
    this.view.hidden = false;
    drawOverlay(this.view, image, boxes);
  }

  private stat(key: string, text: string): void {
    this.stats.get(key)!.textContent = text;
  }
}

/** The image with each text box outlined and what was read written on a label above it. */
function drawOverlay(canvas: HTMLCanvasElement, image: ImageData, items: { box: TextBox; text: string; rotated: boolean }[]): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d')!;
  ctx.putImageData(image, 0, 0);
  const size = Math.max(12, Math.round(image.width / 32));
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  for (const { box, text, rotated } of items) {
    ctx.strokeStyle = rotated ? '#d4337a' : '#19a463';
    ctx.lineWidth = Math.max(2, size / 6);
    ctx.strokeRect(box.x, box.y, box.width, box.height);
    if (!text) continue;
    const label = rotated ? `↻ ${text}` : text;
    const width = ctx.measureText(label).width + 8;
    const y = Math.max(size + 4, box.y);
    ctx.fillStyle = 'rgba(20, 24, 36, 0.82)';
    ctx.fillRect(box.x, y - size - 4, width, size + 4);
    ctx.fillStyle = '#fff';
    ctx.fillText(label, box.x + 4, y - 1);
  }
}
