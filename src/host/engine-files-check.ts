/**
 * When no backend could open a session the cause is often not the device: the engine's own
 * .mjs/.wasm did not load (an app that does not serve them answers 404, or an SPA fallback
 * answers its index.html, which WebAssembly reports as a bad "magic word"). Before saying the
 * device cannot run the model, fetch the engine's files — those its failures name and those it
 * declares — and name the one that does not load.
 */
import { DownloadFailedError } from '../errors.js';
import type { FetchLike } from '../net/download.js';

const URL_IN_TEXT = /https?:\/\/[^\s"')]+/g;

/** The engine file URLs to check: named in the failures (under the engine bases), then declared. */
export function engineFileUrls(reasons: string[], bases: string[], declared: string[]): string[] {
  const named = reasons.flatMap((r) => r.match(URL_IN_TEXT) ?? []).filter((url) => bases.some((base) => url.startsWith(base)));
  return [...new Set([...named, ...declared])];
}

const expectedType: [RegExp, RegExp][] = [
  [/\.wasm$/, /^application\/wasm/],
  [/\.m?js$/, /javascript/],
];

/** Why `url` does not load as an engine file, or undefined when it does. Reads headers only. */
export async function engineFileProblem(url: string, fetchImpl: FetchLike = (u, i) => fetch(u, i)): Promise<DownloadFailedError | undefined> {
  let response: Response;
  try {
    response = await fetchImpl(url, { cache: 'no-store' });
  } catch (error) {
    return new DownloadFailedError(`the engine file ${url} could not be fetched (${String(error)}): a network failure, or another origin that does not allow this page (CORS)`, {
      url,
      kind: 'engine',
    });
  }
  void response.body?.cancel().catch(() => undefined);
  if (!response.ok) return new DownloadFailedError(`the engine file ${url} could not be loaded: HTTP ${response.status}`, { url, status: response.status, kind: 'engine' });
  const type = response.headers.get('content-type') ?? '';
  const want = expectedType.find(([file]) => file.test(new URL(url).pathname))?.[1];
  if (want && /text\/html/.test(type)) {
    return new DownloadFailedError(`the engine file ${url} was answered with an HTML page (${type}), not the file: the server does not have it and serves a fallback page`, {
      url,
      status: response.status,
      kind: 'engine',
      contentType: type,
    });
  }
  return undefined;
}

/** The first engine file that does not load, as a DOWNLOAD_FAILED naming it; undefined when all load. */
export async function missingEngineFile(urls: string[], fetchImpl?: FetchLike): Promise<DownloadFailedError | undefined> {
  // Only URLs the page could fetch: in Node the engines read file paths, which fetch cannot check.
  for (const url of urls.filter((u) => /^https?:/.test(u))) {
    const problem = await engineFileProblem(url, fetchImpl);
    if (problem) return problem;
  }
  return undefined;
}
