/**
 * Hands an engine's own fetch of its .wasm a response we already hold, so a first visit downloads
 * the file once: the engine compiles it by streaming (as it would alone) from one branch of that
 * response while the other is hashed and kept on the device (engine-file-cache.ts).
 *
 * Why the global `fetch`: onnxruntime-web's Emscripten glue compiles with
 * `WebAssembly.instantiateStreaming(fetch(url))` and forwards no `instantiateWasm` hook, and
 * LiteRT.js's glue does the same, so the only way to give it a response is to be the `fetch` it
 * calls. It is our worker's global (never a page's), it answers only the exact URL it waits for,
 * once, and is removed as soon as nothing waits (or the engine's start settles).
 *
 * A clone keeps what makes a streamed compile cacheable: Chromium tees the body with its URL and
 * its code-cache handler (BodyStreamBuffer::Tee), so V8 still writes the module's code cache into
 * the HTTP cache's entry on the first visit (e2e/engine-code-cache.spec.ts).
 */

const waiting = new Map<string, () => Promise<Response>>();
let own: typeof fetch | undefined;

const keyOf = (input: RequestInfo | URL): string => {
  const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  try {
    return new URL(raw, globalThis.location?.href).href;
  } catch {
    // A path with no base (onnxruntime-web's Node build is given file paths): compared as it is.
    return raw;
  }
};

function untap(): void {
  if (waiting.size > 0 || !own) return;
  globalThis.fetch = own;
  own = undefined;
}

/** While `work` runs, the first fetch of `url` gets `response()`; every other request goes to the network as before. */
export async function withFetchServed<T>(url: string, response: () => Promise<Response>, work: () => Promise<T>): Promise<T> {
  const key = keyOf(url);
  waiting.set(key, response);
  if (!own) {
    const network = globalThis.fetch;
    own = network;
    globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const asked = keyOf(input);
      const served = waiting.get(asked);
      if (!served) return network.call(globalThis, input, init);
      waiting.delete(asked);
      untap();
      return served();
    };
  }
  try {
    return await work();
  } finally {
    if (waiting.get(key) === response) waiting.delete(key);
    untap();
  }
}
