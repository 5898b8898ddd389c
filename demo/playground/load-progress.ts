/**
 * A load's progress as the runtime reports it (at most ~20 messages a second): a live bar with
 * the phase, MB done of the total and the rate, and a log with one line per model and phase
 * that stays once the load is over — on a 1 GB model it shows where the minutes went
 * (download, verify, store, compile).
 */
import type { LoadProgress } from '../../src/index.js';

const WORDS: Record<LoadProgress['phase'], string> = {
  manifest: 'reading the manifest',
  cache: 'checking the device cache',
  download: 'downloading',
  verify: 'verifying the stored copy',
  store: 'storing',
  compile: 'starting the engine',
  ready: 'ready',
};
const BYTE_PHASES: ReadonlySet<LoadProgress['phase']> = new Set(['download', 'verify', 'store', 'ready']);
const mb = (bytes: number) => (bytes / 1e6).toFixed(2);

/** Where a phase started: when (ms) and how many bytes were done then. */
export interface PhaseStart {
  at: number;
  bytes: number;
}

/**
 * `ocr-det: downloading 12.34 / 64.00 MB · 31.2 MB/s`: bytes for the phases that move them, and
 * the rate over this phase so far once it has lasted a moment (a first message has no rate).
 */
export function progressText(p: LoadProgress, start: PhaseStart, now: number): string {
  const words = `${p.id}: ${WORDS[p.phase]}`;
  if (!BYTE_PHASES.has(p.phase) || !p.total) return words;
  const seconds = (now - start.at) / 1000;
  const rate = seconds > 0.05 && p.loaded > start.bytes ? ` · ${((p.loaded - start.bytes) / 1e6 / seconds).toFixed(1)} MB/s` : '';
  return `${words} ${mb(p.loaded)} / ${mb(p.total)} MB${rate}`;
}

interface PhaseRow {
  li: HTMLLIElement;
  start: PhaseStart;
}

export class LoadProgressView {
  readonly bar = Object.assign(document.createElement('progress'), { max: 1, value: 0 });
  readonly label = document.createElement('span');
  readonly log = Object.assign(document.createElement('ol'), { className: 'phases' });
  private readonly rows = new Map<string, PhaseRow>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  reset(): void {
    this.rows.clear();
    this.log.replaceChildren();
    this.bar.value = 0;
    this.label.textContent = '';
  }

  update(p: LoadProgress): void {
    const key = `${p.id}\u0000${p.phase}`;
    let row = this.rows.get(key);
    if (!row) {
      const li = document.createElement('li');
      li.dataset.phase = p.phase;
      li.dataset.model = p.id;
      this.log.append(li);
      row = { li, start: { at: this.now(), bytes: p.loaded } };
      this.rows.set(key, row);
    }
    const text = progressText(p, row.start, this.now());
    row.li.textContent = text;
    this.label.textContent = text;
    this.bar.value = BYTE_PHASES.has(p.phase) && p.total ? p.loaded / p.total : p.phase === 'compile' ? 1 : 0;
  }
}
