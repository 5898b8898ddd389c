/**
 * The playground page: pick a model, a backend and an input; compare fp32 with int8, fp16 and
 * q4 (those the manifest has). State a test (or a person) can read: `body[data-state]` is idle |
 * running | done | error. URL parameters preset the form:
 * ?model=ocr&backend=wasm&runs=5&sample=receipt&precisions=fp32,q4&autorun=0.
 * ?manifest=<url> serves another manifest: its models the playground has no subject for get a
 * generic one (any-model.ts), so a model of your own, or a big one, loads with its progress shown.
 */
import { createRuntime, explainError, type BackendChoice, type Manifest, type Runtime } from '../src/index.js';
import { compare, hasVariant, PRECISIONS, REDUCED, type Agreement, type ComparedPrecision, type ReducedPrecision } from './playground/compare-run.js';
import { checkOffline, ortFilesFor, type NeededModel } from './playground/offline-ready.js';
import { captureCamera, hasCamera, watchImageInput } from './playground/image-input.js';
import { LatencyChart } from './playground/latency-chart.js';
import { startPwa } from './playground/pwa.js';
import { SAMPLES } from './playground/samples.js';
import { precisionFor, SUBJECTS, type Subject } from './playground/subjects.js';
import { VariantCard } from './playground/variant-card.js';
import { anyModelSubject } from './playground/any-model.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);
const ui = {
  subject: $<HTMLSelectElement>('subject'),
  backend: $<HTMLSelectElement>('backend'),
  runs: $<HTMLInputElement>('runs'),
  run: $<HTMLButtonElement>('run'),
  clear: $<HTMLButtonElement>('clear'),
  usage: $('cache-usage'),
  samples: $('samples'),
  preview: $<HTMLCanvasElement>('preview'),
  text: $<HTMLInputElement>('text'),
  camera: $<HTMLButtonElement>('camera'),
  status: $('status'),
  manifestUrl: $<HTMLInputElement>('manifest-url'),
};
const manifestUrl = new URL(params.get('manifest') || '/models/manifest.json', document.baseURI).href;
/** The known subjects, then one per model of the manifest that none of them covers. */
let subjects: Subject[] = SUBJECTS;
const cards = Object.fromEntries(PRECISIONS.map((p) => [p, new VariantCard(p)])) as Record<ComparedPrecision, VariantCard>;
$('variants').append(...PRECISIONS.map((p) => cards[p].root));
/** One checkbox per precision; ?precisions= presets them (default: all). */
const chosen = new Set<string>(params.get('precisions')?.split(',') ?? PRECISIONS);
const boxes = Object.fromEntries(
  PRECISIONS.map((p) => {
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', value: p, checked: chosen.has(p) });
    const label = Object.assign(document.createElement('label'), { className: 'precision' });
    label.append(box, ` ${p}`);
    $('precisions').append(label);
    return [p, box];
  }),
) as Record<ComparedPrecision, HTMLInputElement>;
const selectedPrecisions = (): ComparedPrecision[] => PRECISIONS.filter((p) => boxes[p].checked);
const chart = new LatencyChart($<HTMLCanvasElement>('chart'));

let image: ImageData = SAMPLES[0]!.draw();
let runtime: { backend: BackendChoice; runtime: Runtime } | undefined;
let manifest: Manifest | undefined;
let running = false;
let pendingUpdate: (() => Promise<void>) | undefined;
let applyWhenIdle = false;

function setState(state: 'idle' | 'running' | 'done' | 'error', status: string): void {
  document.body.dataset.state = state;
  ui.status.textContent = status;
}

function showError(error: unknown): void {
  const e = explainError(error);
  $('error-title').textContent = e.title;
  $('error-hint').textContent = e.hint;
  $('error-detail').textContent = `${e.code}: ${e.detail}`;
  $('error').dataset.code = e.code;
  $('error').hidden = false;
  setState('error', `${e.title}.`);
}

function runtimeFor(backend: BackendChoice): Runtime {
  // One worker per backend choice: TensorFlow.js keeps one backend per worker.
  if (runtime?.backend !== backend) {
    runtime?.runtime.dispose();
    runtime = { backend, runtime: createRuntime({ backend, manifestUrl }) };
  }
  return runtime.runtime;
}

function showImage(next: ImageData): void {
  image = next;
  ui.preview.width = next.width;
  ui.preview.height = next.height;
  ui.preview.getContext('2d')!.putImageData(next, 0, 0);
}

function currentSubject(): Subject {
  return subjects.find((s) => s.id === ui.subject.value) ?? subjects[0]!;
}

function showInputFor(subject: Subject): void {
  $('image-input').hidden = subject.input !== 'image';
  $('text-input').hidden = subject.input !== 'text';
  $('audio-input').hidden = subject.input !== 'audio';
  // A model run on zero inputs takes nothing from the page: no empty box.
  document.querySelector<HTMLElement>('section.input')!.hidden = subject.input === 'none';
  for (const precision of PRECISIONS) cards[precision].root.hidden = !boxes[precision].checked;
  if (!manifest) return;
  for (const precision of selectedPrecisions()) {
    cards[precision].reset();
    if (!hasVariant(manifest, subject, precision))
      cards[precision].unavailable(`No ${precision} variant of ${subject.modelIds.join(', ')} in this manifest yet (edgeserve quantize makes one).`);
  }
}

/** A row per variant that ran beside fp32: decisions and text (what a user sees), and the raw error. */
function showAgreement(all: Partial<Record<ReducedPrecision, Agreement>>, subject?: Subject): void {
  const rows = REDUCED.filter((p) => all[p]);
  $('agree-note').textContent = rows.length && subject ? subject.agreementNote : '';
  const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(1)}%`);
  const diff = (v: number | undefined) => (v === undefined ? 'shapes differ' : v.toExponential(2));
  $('agreements').replaceChildren(
    ...rows.map((precision) => {
      const a = all[precision]!;
      const tr = document.createElement('tr');
      tr.dataset.precision = precision;
      const cells: [string, string][] = [
        ['variant', precision],
        ['top1', pct(a.top1)],
        ['text', a.text === undefined ? '—' : `${pct(a.text)} of lines`],
        ['max', diff(a.maxAbsDiff)],
        ['mean', diff(a.meanAbsDiff)],
      ];
      tr.append(...cells.map(([key, text]) => Object.assign(document.createElement('td'), { textContent: text, className: `agree-${key}` })));
      return tr;
    }),
  );
}

async function showUsage(): Promise<void> {
  if (!runtime) return;
  const usage = await runtime.runtime.cache.usage().catch(() => undefined);
  ui.usage.textContent = usage ? `${(usage.models / 1e6).toFixed(1)} MB of models on this device` : '';
}

/** The models the chosen comparison loads: each precision the manifest has, stages without it in fp32. */
function neededModels(subject: Subject): NeededModel[] {
  if (!manifest) return [];
  const m = manifest;
  return selectedPrecisions()
    .filter((p) => hasVariant(m, subject, p))
    .flatMap((p) => subject.modelIds.map((id) => ({ id, precision: precisionFor(m, id, p) ?? 'fp32' })));
}

/** The green banner only when a reload offline would really work (see offline-ready.ts). */
async function showOfflineState(): Promise<void> {
  if (!runtime || !('serviceWorker' in navigator)) return;
  // The runtime's default engine files, on this origin (src/engines/packaged-engine-files.ts).
  const engines = new URL('/engines/', document.baseURI).href;
  const engineFiles = Object.values(cards).flatMap((card) => card.infos.flatMap((info) => ortFilesFor(info, engines)));
  const state = await checkOffline(runtime.runtime, manifestUrl, neededModels(currentSubject()), engineFiles);
  const banner = $('offline-ready');
  banner.hidden = !state.ready;
  banner.dataset.missing = state.missing.join('; ');
}

async function run(): Promise<void> {
  if (running) return;
  running = true;
  ui.run.disabled = true;
  $('error').hidden = true;
  showAgreement({});
  const subject = currentSubject();
  setState('running', `Comparing ${subject.label}…`);
  try {
    const rt = runtimeFor(ui.backend.value as BackendChoice);
    manifest = await rt.manifest();
    const runs = Math.max(1, Math.min(200, Number(ui.runs.value) || 10));
    const agreement = await compare({
      runtime: rt,
      manifest,
      subject,
      input: { image, text: ui.text.value || ' ' },
      runs,
      precisions: selectedPrecisions(),
      cards,
      chart,
      ...(subject.input === 'image' ? { image } : {}),
    });
    showAgreement(agreement, subject);
    const compared = Object.keys(agreement).length > 0;
    setState('done', compared ? `Done: ${runs} steady ${runs === 1 ? 'run' : 'runs'} each.` : `Done: no chosen variant ran beside fp32, so there is nothing to compare.`);
  } catch (error) {
    showError(error);
  } finally {
    running = false;
    ui.run.disabled = false;
    void showUsage();
    void showOfflineState();
    if (applyWhenIdle) void pendingUpdate?.();
  }
}

/** Adds a generic subject for each model of the manifest the playground does not know, and picks one. */
function addManifestSubjects(m: Manifest): void {
  const known = new Set(SUBJECTS.map((s) => s.id));
  subjects = [...SUBJECTS, ...m.models.filter((entry) => !known.has(entry.id)).map(anyModelSubject)];
  ui.subject.replaceChildren(...subjects.map((s) => new Option(s.label, s.id)));
  // Another manifest without ?model=: its first model, not the OCR pipeline it may not have.
  ui.subject.value = params.get('model') ?? (params.get('manifest') ? (m.models[0]?.id ?? 'ocr') : 'ocr');
}

function setUpControls(): void {
  ui.manifestUrl.value = params.get('manifest') ?? '';
  // A new manifest is a new page: the runtime, the subjects and the cards all follow from it.
  ui.manifestUrl.addEventListener('change', () => {
    const next = new URLSearchParams(params);
    if (ui.manifestUrl.value.trim()) next.set('manifest', ui.manifestUrl.value.trim());
    else next.delete('manifest');
    next.delete('model');
    location.search = next.toString();
  });
  ui.subject.replaceChildren(...SUBJECTS.map((s) => new Option(s.label, s.id)));
  ui.subject.value = params.get('model') ?? 'ocr';
  ui.backend.value = params.get('backend') ?? 'auto';
  ui.runs.value = params.get('runs') ?? ui.runs.value;
  for (const sample of SAMPLES) {
    const button = Object.assign(document.createElement('button'), { className: 'sample secondary', textContent: sample.label, title: sample.text.join(' / ') });
    button.dataset.sample = sample.id;
    button.addEventListener('click', () => showImage(sample.draw()));
    ui.samples.append(button);
  }
  const sample = SAMPLES.find((s) => s.id === params.get('sample'));
  showImage((sample ?? SAMPLES[0]!).draw());
  watchImageInput($('drop'), $<HTMLInputElement>('file'), (next) => showImage(next), showError);
  ui.camera.hidden = !hasCamera();
  ui.camera.addEventListener('click', () => captureCamera().then(showImage, showError));
  ui.subject.addEventListener('change', () => (showInputFor(currentSubject()), void showOfflineState()));
  for (const box of Object.values(boxes)) box.addEventListener('change', () => showInputFor(currentSubject()));
  ui.run.addEventListener('click', () => void run());
  ui.text.addEventListener('keydown', (event) => event.key === 'Enter' && void run());
  ui.clear.addEventListener('click', async () => {
    const removed = await runtimeFor(ui.backend.value as BackendChoice)
      .cache.clear()
      .catch((error: unknown) => (showError(error), undefined));
    if (removed !== undefined) setState('idle', `Model cache cleared (${removed} stored variants removed). The next run downloads again.`);
    void showUsage();
    void showOfflineState();
  });
  $('update-apply').addEventListener('click', () => {
    // Never under a running comparison: the page would reload and lose it.
    if (!running) return void pendingUpdate?.();
    applyWhenIdle = true;
    $('update-text').textContent = 'The update will be applied when this comparison finishes.';
  });
}

setUpControls();
startPwa({
  onUpdateReady(apply) {
    pendingUpdate = apply;
    $('update').hidden = false;
  },
  onOfflineReady: () => void showOfflineState(),
});
navigator.serviceWorker?.addEventListener('controllerchange', () => void showOfflineState());
try {
  manifest = await runtimeFor(ui.backend.value as BackendChoice).manifest();
  addManifestSubjects(manifest);
  showInputFor(currentSubject());
  setState('idle', 'Ready.');
  void showUsage();
  void showOfflineState();
  if (params.get('autorun') !== '0') await run();
} catch (error) {
  showError(error);
}
