/**
 * What to tell a person when something fails, chosen by the error's stable `code` (never by
 * parsing messages). Pages show `title` and `hint`; `detail` is the original message.
 */
import { EdgeServeError, type ErrorCode } from './errors.js';

export interface ErrorExplanation {
  code: ErrorCode | 'UNKNOWN';
  title: string;
  hint: string;
  detail: string;
}

type Hint = { title: string; hint: string };

const byCode: Record<ErrorCode, Hint> = {
  MANIFEST_INVALID: { title: 'The model list is broken', hint: 'The server sent a manifest that is not valid. Reload later; if it persists, the site needs fixing.' },
  MODEL_NOT_FOUND: { title: 'This model is not offered here', hint: 'The manifest does not list it. Pick another model.' },
  VARIANT_NOT_FOUND: { title: 'No such variant', hint: 'This model has no variant of that precision or version. Try fp32.' },
  DOWNLOAD_FAILED: { title: 'The model could not be downloaded', hint: 'Check your connection and try again.' },
  INTEGRITY_MISMATCH: { title: 'The download was corrupted', hint: 'The bytes did not match their checksum, so nothing was kept. Try again.' },
  UNSUPPORTED: { title: 'This device cannot run the model', hint: 'No backend could start it. Try the WASM backend or another browser.' },
  BAD_INPUT: { title: 'The input does not fit the model', hint: 'Try another image or input.' },
  INFERENCE_FAILED: { title: 'The model failed on this input', hint: 'Try another input, or the WASM backend.' },
  MODEL_DISPOSED: { title: 'The model was unloaded', hint: 'Run again to load it.' },
  WORKER_CRASHED: { title: 'The model worker stopped', hint: 'It may have run out of memory. Run again: it restarts by itself.' },
  WORKER_STUCK: { title: 'The model got stuck', hint: 'A run took far longer than this model needs, so its worker was restarted. Try a smaller input.' },
  WORKER_START_FAILED: { title: 'The model worker could not start', hint: 'The browser did not load or allow the worker script (see the detail). The site needs fixing.' },
  ABORTED: { title: 'Cancelled', hint: 'The run was cancelled.' },
  TIMEOUT: { title: 'Took too long', hint: 'The call did not finish within its time limit. Try again, or a smaller input or the int8 variant.' },
  STORAGE_FAILED: { title: 'Storage is full or blocked', hint: 'The browser refused to store the model (quota, private mode). Free some space or clear the model cache.' },
  MODEL_TOO_LARGE: { title: 'The model is too large for this device', hint: 'Try a smaller variant of the model (int8 or fp16).' },
};

/**
 * Too large: what to try instead comes from the error itself (details.try: never the backend
 * that just failed, nor external data the model already has). Re-derived from `backend` and
 * `externalData` when only those survived.
 */
function tooLargeHint(details: Record<string, unknown> | undefined): Hint {
  const tries = Array.isArray(details?.try) ? details.try.filter((t): t is string => typeof t === 'string') : [];
  const fallback: string[] = [];
  if (tries.length === 0) {
    if (details?.backend !== 'webgpu') fallback.push('the WebGPU backend');
    fallback.push('a smaller variant of the model (int8 or fp16)');
  }
  const bytes = typeof details?.bytes === 'number' ? ` (${Math.round(details.bytes / 2 ** 20)} MiB)` : '';
  const backend = typeof details?.backend === 'string' ? ` on ${details.backend === 'wasm' ? 'WASM' : 'WebGPU'}` : '';
  return {
    title: 'The model is too large for this device',
    hint: `It${bytes} cannot fit in the memory the browser gives it${backend}. Try ${[...tries, ...fallback].join(', or ')}.`,
  };
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Hints never suggest what just failed: the precision asked for, the backend that ran. */
function variantHint(details: Record<string, unknown> | undefined): Hint {
  const title = 'No such variant';
  const others = strings(details?.available).filter((p) => p !== details?.precision);
  if (others.length > 0) return { title, hint: `This model has no ${String(details?.precision)} variant. Try ${others.join(' or ')}.` };
  if (typeof details?.version === 'string' && details.precision === undefined)
    return { title, hint: `Version ${details.version} is not offered. Load without a version to get the latest.` };
  return { title, hint: 'The manifest offers no variant this page can use. The site needs fixing.' };
}

function unsupportedHint(details: Record<string, unknown> | undefined): Hint | undefined {
  const failures = Array.isArray(details?.failures) ? (details.failures as { backend?: unknown }[]) : [];
  if (failures.length === 0) return undefined;
  const tried = failures.map((f) => String(f.backend));
  const hint = tried.includes('wasm')
    ? `No backend could start it (tried ${tried.join(', ')}). Try another browser or device.`
    : 'No backend could start it. Try the WASM backend or another browser.';
  return { title: 'This device cannot run the model', hint };
}

function inferenceHint(details: Record<string, unknown> | undefined): Hint | undefined {
  return details?.backend === 'wasm' ? { title: 'The model failed on this input', hint: 'Try another input.' } : undefined;
}

/** A failed download named by what was fetched (details.kind) and how it failed (status, cors). */
function downloadHint(details: Record<string, unknown> | undefined): Hint | undefined {
  const status = typeof details?.status === 'number' ? details.status : undefined;
  const url = typeof details?.url === 'string' ? details.url : 'a file';
  if (details?.cors === true) {
    return {
      title: 'Blocked by the other server (CORS)',
      hint: `${url} is on another origin that does not allow this page to read it: that server must send Access-Control-Allow-Origin.`,
    };
  }
  if (details?.kind === 'manifest' && status !== undefined) {
    return {
      title: 'The model list is missing on the server',
      hint: `The manifest ${url} could not be loaded (HTTP ${status}). Check the manifestUrl option and that the server has the file.`,
    };
  }
  if (details?.kind === 'engine') {
    return {
      title: 'An engine file is missing on the server',
      hint: `${url} did not load${status !== undefined && status !== 200 ? ` (HTTP ${status})` : ''}. Serve the engine's .mjs/.wasm files there, or point engineAssetsUrl at where they are.`,
    };
  }
  if (status === 404) return { title: 'The model file is missing on the server', hint: 'The manifest lists a file the server does not have (HTTP 404).' };
  return undefined;
}

function workerStartHint(details: Record<string, unknown> | undefined): Hint | undefined {
  const title = 'The model worker could not start';
  if (details?.csp === true) return { title, hint: "The page's Content-Security-Policy blocks it: add blob: to its worker-src directive." };
  if (typeof details?.status === 'number') return { title, hint: `Its script ${String(details.url)} is not on the server (HTTP ${details.status}).` };
  return undefined;
}

/** Inputs a page gathers itself: a file that is not an image, a camera that cannot be opened. */
function inputHint(details: Record<string, unknown> | undefined): Hint | undefined {
  if (details?.kind === 'image-file') return { title: 'This file is not an image', hint: 'Pick or drop a PNG, JPEG or WebP image.' };
  if (details?.kind === 'camera') {
    return details.reason === 'NotAllowedError'
      ? { title: 'The camera is not allowed', hint: 'Allow the camera for this site, or drop or pick an image instead.' }
      : { title: 'No camera available', hint: 'This device has no camera the browser can open. Drop or pick an image instead.' };
  }
  return undefined;
}

export function explainError(error: unknown, online: boolean = globalThis.navigator?.onLine ?? true): ErrorExplanation {
  const detail = error instanceof Error ? error.message : String(error);
  if (!(error instanceof EdgeServeError)) return { code: 'UNKNOWN', title: 'Something went wrong', hint: 'Reload the page and try again.', detail };
  // A failed download while offline is almost always "first visit without a network".
  if (error.code === 'DOWNLOAD_FAILED' && !online) {
    return {
      code: error.code,
      title: 'You are offline',
      hint: 'This model has not been downloaded on this device yet. Connect once to download it; after that it works offline.',
      detail,
    };
  }
  const special =
    error.code === 'DOWNLOAD_FAILED'
      ? downloadHint(error.details)
      : error.code === 'WORKER_START_FAILED'
        ? workerStartHint(error.details)
        : error.code === 'MODEL_TOO_LARGE'
          ? tooLargeHint(error.details)
          : error.code === 'VARIANT_NOT_FOUND'
            ? variantHint(error.details)
            : error.code === 'INFERENCE_FAILED'
              ? inferenceHint(error.details)
              : undefined;
  const input = error.code === 'BAD_INPUT' || error.code === 'UNSUPPORTED' ? inputHint(error.details) : undefined;
  const unsupported = error.code === 'UNSUPPORTED' && !input ? unsupportedHint(error.details) : undefined;
  const chosen = special ?? input ?? unsupported;
  if (chosen) return { code: error.code, ...chosen, detail };
  return { code: error.code, ...byCode[error.code], detail };
}
