/**
 * A fetch that threw says only "Failed to fetch": offline, server down and a CORS refusal look
 * alike. A second, no-cors request to the same URL tells them apart: if it gets an (opaque)
 * answer, the server is there and only the CORS check failed. (Under COEP require-corp, the
 * opaque answer also needs the server's Cross-Origin-Resource-Policy; without it the probe
 * fails too, and the message names both possibilities.)
 */
import type { FetchLike } from './download.js';

export interface FetchFailure {
  /** True when the server answered but did not allow this origin (no Access-Control-Allow-Origin). */
  cors: boolean;
  message: string;
}

export async function whyFetchFailed(
  url: string,
  error: unknown,
  origin: string | undefined = globalThis.location?.origin,
  fetchImpl: FetchLike = (u, i) => fetch(u, i),
): Promise<FetchFailure> {
  const target = new URL(url);
  if (origin === undefined || target.origin === origin) return { cors: false, message: `${url} could not be fetched (${String(error)})` };
  const answered = await fetchImpl(url, { mode: 'no-cors', cache: 'no-store' }).then(
    (response) => (void response.body?.cancel().catch(() => undefined), true),
    () => false,
  );
  if (answered) {
    return { cors: true, message: `${url} was blocked by CORS: ${target.origin} answered but does not allow ${origin} to read it (it must send Access-Control-Allow-Origin)` };
  }
  return { cors: false, message: `${url} could not be fetched (${String(error)}): the network failed, or ${target.origin} does not allow ${origin} (CORS)` };
}
