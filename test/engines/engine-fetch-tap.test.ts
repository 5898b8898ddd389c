/** engine-fetch-tap.ts: the engine's own fetch of one URL gets a response we hold, once; the global is put back. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withFetchServed } from '../../src/engines/engine-fetch-tap.js';

const WASM = 'https://app.example/engines/ort/ort-wasm-simd-threaded.wasm';

describe('withFetchServed', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('answers the first fetch of the URL with the held response, everything else from the network, and restores fetch', async () => {
    const network = vi.fn(async (input: RequestInfo | URL) => new Response(`network ${String(input)}`));
    vi.stubGlobal('fetch', network);
    const held = vi.fn(async () => new Response('held'));
    const texts = await withFetchServed(WASM, held, async () => {
      const first = await fetch(WASM, { credentials: 'same-origin' });
      const other = await fetch('https://app.example/model.onnx');
      const again = await fetch(new URL(WASM));
      return [await first.text(), await other.text(), await again.text()];
    });
    expect(texts).toEqual(['held', 'network https://app.example/model.onnx', `network ${WASM}`]);
    expect(held).toHaveBeenCalledTimes(1);
    expect(globalThis.fetch).toBe(network);
  });

  it('puts fetch back when the work fails before it fetched, and never calls for the held response', async () => {
    const network = vi.fn(async () => new Response(''));
    vi.stubGlobal('fetch', network);
    const held = vi.fn(async () => new Response('held'));
    await expect(withFetchServed(WASM, held, async () => Promise.reject(new Error('glue failed')))).rejects.toThrow('glue failed');
    expect(held).not.toHaveBeenCalled();
    expect(globalThis.fetch).toBe(network);
  });
});
