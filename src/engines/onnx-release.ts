/**
 * Getting a big model's JavaScript copy freed once onnxruntime-web has its weights. The session
 * copies each weight from the bytes we hand it into its WASM heap and forgets them, so after the
 * load the worker's copy (the model's bytes once over) is garbage — but V8 frees an ArrayBuffer
 * only when a full garbage collection runs, and a worker that sits idle after a load runs none.
 * Measured at 256 MB (scale bench, Chromium 150, n = 1 each): 3 s after the load the browser held
 * +641 MB over idle (2.4× the model); a forced GC in the worker (--expose-gc) then left +365 MB.
 *
 * V8 starts a full collection when the memory held by ArrayBuffers grows more than its soft limit
 * (64 MiB) past what it held after the last one. So allocating, and dropping at once, one buffer
 * just over that limit makes V8 collect ("a nudge"): the allocator hands back fresh zero pages
 * that are never touched, so the nudge costs no resident memory, and the collection a few
 * milliseconds in a worker whose JavaScript heap is small.
 *
 * - Before the session is built: garbage left by the download or the store's read (chunks
 *   copied into the model's buffer, up to the soft limit's worth) would otherwise sit beside the
 *   weights' heap copy at the load's peak. Measured (n = 2 each): cold peak +702 MB without,
 *   +636 to +655 MB with.
 * - After: the model's own buffers are watched (FinalizationRegistry, which keeps nothing alive)
 *   and the worker is nudged every NUDGE_EVERY_MS until they are gone — the host lets go of them
 *   only once its load has returned, later on a busy device (one nudge at 0 and one at 1 s left
 *   the copy alive in 1 of 2 samples at load average 13), and the store only once it has
 *   written a big model it served first — or until NUDGE_TRIES, for a caller
 *   that keeps its bytes (then nothing is lost but a few small collections).
 */

import { COLLECT_NUDGE_BYTES } from './memory-limits.js';

/** How long a load waits for the nudged collection before its session is built (ms): ~0.3% of a 256 MB load. */
export const COLLECT_WAIT_MS = 50;
/** After the load: a nudge this often (ms) while the model's bytes are alive… */
export const NUDGE_EVERY_MS = 500;
/**
 * …at most this many times (60 s): a big download served before it is stored stays alive until
 * the store's last write (fetch-variant.ts), several seconds after its load at 256 MB here.
 */
export const NUDGE_TRIES = 120;

export interface ReleaseHooks {
  timer: (run: () => void, ms: number) => unknown;
  allocate: (bytes: number) => unknown;
}

const defaultHooks: ReleaseHooks = {
  timer: (run, ms) => setTimeout(run, ms),
  allocate: (bytes) => new ArrayBuffer(bytes),
};

/** One nudge, then a pause for the collection it starts (before a session is built). */
export async function collectNow({ timer, allocate }: ReleaseHooks = defaultHooks): Promise<void> {
  allocate(COLLECT_NUDGE_BYTES);
  await new Promise<void>((resolve) => timer(resolve, COLLECT_WAIT_MS));
}

/** Nudges on a timer while `alive()` says the bytes are still there, at most NUDGE_TRIES times. */
export function nudgeWhile(alive: () => boolean, { timer, allocate }: ReleaseHooks = defaultHooks): void {
  let tries = 0;
  const nudge = () => {
    // Checked in a task of its own, never beside a deref: nothing here holds the bytes.
    if (!alive() || tries >= NUDGE_TRIES) return;
    tries += 1;
    allocate(COLLECT_NUDGE_BYTES);
    timer(nudge, NUDGE_EVERY_MS);
  };
  timer(nudge, 0);
}

/** Has V8 collect `buffers` (the model's files) once nothing else holds them; see the top of this file. */
export function collectAfterLoad(buffers: readonly ArrayBufferLike[], hooks: ReleaseHooks = defaultHooks): void {
  let left = new Set(buffers).size;
  // The registry lives as long as the nudges' closure, which is as long as it is needed.
  const registry = new FinalizationRegistry<undefined>(() => {
    left -= 1;
  });
  for (const buffer of new Set(buffers)) registry.register(buffer, undefined);
  nudgeWhile(() => registry !== undefined && left > 0, hooks);
}
