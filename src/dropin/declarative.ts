/**
 * The declarative mode, for pages that write no JavaScript:
 *
 *   <img src="receipt.png" data-edgeserve="ocr" alt="…">
 *
 * reads the text in the image and writes it into an <output class="edgeserve-result"> right
 * after the image (or into the element `data-edgeserve-target` selects). Optional attributes:
 * `data-edgeserve-precision` (fp32 | int8), `data-edgeserve-backend` (auto | webgpu | wasm).
 * The image gets `data-edgeserve-state` = loading | done | error and `data-edgeserve-text`,
 * and fires `edgeserve:result` (detail: the OcrResult) or `edgeserve:error` (detail: the error).
 * Images added later, or whose src changes, are read too.
 */
import { DownloadFailedError } from '../errors.js';
import { explainError } from '../explain-error.js';
import { whyFetchFailed } from '../net/fetch-failure.js';
import type { Runtime } from '../client/runtime.js';
import type { BackendChoice } from '../protocol.js';
import type { Precision } from '../manifest/schema.js';
import { loadOcr, type Ocr } from '../tasks/ocr/ocr.js';

const SELECTOR = 'img[data-edgeserve]';
const TASKS = new Set(['ocr']);

function outputFor(img: HTMLImageElement): HTMLElement {
  const selector = img.dataset.edgeserveTarget;
  const target = selector ? document.querySelector<HTMLElement>(selector) : null;
  if (target) return target;
  const next = img.nextElementSibling;
  if (next instanceof HTMLOutputElement && next.classList.contains('edgeserve-result')) return next;
  const output = document.createElement('output');
  output.className = 'edgeserve-result';
  img.after(output);
  // Lines on their own lines under the image, unless the page styles .edgeserve-result itself.
  // (Set through the CSSOM, which a strict style-src allows, unlike a style attribute.)
  const computed = getComputedStyle(output);
  if (computed.display === 'inline') output.style.display = 'block';
  if (computed.whiteSpace === 'normal') output.style.whiteSpace = 'pre-line';
  return output;
}

async function pixels(img: HTMLImageElement): Promise<ImageData> {
  if (!img.complete || img.naturalWidth === 0) {
    await img.decode().catch(async (error: unknown) => {
      // An <img crossorigin> whose server does not allow this page fails to load at all.
      const failure = await whyFetchFailed(img.currentSrc || img.src, error);
      throw new DownloadFailedError(`the image ${failure.message}`, { url: img.currentSrc || img.src, kind: 'image', ...(failure.cors ? { cors: true } : {}) });
    });
  }
  const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(img, 0, 0);
  try {
    return ctx.getImageData(0, 0, canvas.width, canvas.height);
  } catch {
    throw new DownloadFailedError(
      `the image ${img.currentSrc} is from another origin without CORS: serve it with Access-Control-Allow-Origin and add crossorigin="anonymous" to the <img>`,
      { url: img.currentSrc, kind: 'image', cors: true },
    );
  }
}

/** Returns `scan(root?)`, which reads every marked image under root; starts watching the page when `auto`. */
export function startDeclarative(createRuntime: () => Runtime, auto: boolean): (root?: ParentNode) => Promise<void> {
  let runtime: Runtime | undefined;
  const pipelines = new Map<string, Promise<Ocr>>();
  const seen = new WeakMap<HTMLImageElement, string>();

  function pipeline(precision: Precision, backend: BackendChoice): Promise<Ocr> {
    const key = `${precision}/${backend}`;
    let ocr = pipelines.get(key);
    if (!ocr) {
      runtime ??= createRuntime();
      ocr = loadOcr(runtime, { precision, backend });
      // A failed load (offline on a first visit) is tried again on the next image.
      ocr.catch(() => pipelines.delete(key));
      pipelines.set(key, ocr);
    }
    return ocr;
  }

  async function read(img: HTMLImageElement): Promise<void> {
    const task = img.dataset.edgeserve ?? '';
    const output = outputFor(img);
    if (seen.get(img) === img.currentSrc + task) return;
    seen.set(img, img.currentSrc + task);
    img.dataset.edgeserveState = 'loading';
    output.textContent = 'Reading…';
    try {
      if (!TASKS.has(task)) throw new Error(`data-edgeserve="${task}" is not a task; use "ocr"`);
      const ocr = await pipeline((img.dataset.edgeservePrecision ?? 'fp32') as Precision, (img.dataset.edgeserveBackend ?? 'auto') as BackendChoice);
      const result = await ocr.recognize(await pixels(img));
      const text = result.lines.map((l) => l.text).join('\n');
      img.dataset.edgeserveText = text;
      img.dataset.edgeserveState = 'done';
      output.textContent = text || '(no text found)';
      img.dispatchEvent(new CustomEvent('edgeserve:result', { detail: result, bubbles: true }));
    } catch (error) {
      const e = explainError(error);
      img.dataset.edgeserveState = 'error';
      output.textContent = `${e.title}. ${e.hint}`;
      output.title = e.detail;
      output.classList.add('edgeserve-error');
      img.dispatchEvent(new CustomEvent('edgeserve:error', { detail: error, bubbles: true }));
    }
  }

  async function scan(root: ParentNode = document): Promise<void> {
    await Promise.all([...root.querySelectorAll<HTMLImageElement>(SELECTOR)].map(read));
  }

  if (auto) {
    const begin = () => {
      void scan();
      new MutationObserver((records) => {
        for (const record of records) {
          const target = record.target;
          if (record.type === 'attributes' && target instanceof HTMLImageElement && target.matches(SELECTOR)) void read(target);
          for (const node of record.addedNodes) {
            if (node instanceof HTMLImageElement && node.matches(SELECTOR)) void read(node);
            else if (node instanceof Element) void scan(node);
          }
        }
      }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['src', 'data-edgeserve'] });
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', begin, { once: true });
    else begin();
  }
  return scan;
}
