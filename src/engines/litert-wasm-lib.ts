/**
 * Stands in for `@litertjs/wasm-utils` (the builds alias it here: tools/build/litert-alias.ts).
 * LiteRT.js's `loadLiteRt(path)` hands the path of its Emscripten glue to `createWasmLib`, which
 * runs the glue with importScripts (a worker) or a <script> tag (a page) and then calls the
 * global `ModuleFactory` it defines. edgeserve's worker is a module worker, which has no
 * importScripts, and edgeserve sets no globals: so the LiteRT engine (litert-runtime.ts) makes
 * the module itself — the glue imported as an ES module, the .wasm from the device's checked
 * copy — and leaves it here under the path it then passes to `loadLiteRt`.
 */

/** What @litertjs/wasm-utils's `createWasmLib` is called with (its type, less the canvas and asset script LiteRT.js never passes). */
type WasmConstructor<Lib> = new (module: never) => Lib;

const provided = new Map<string, () => Promise<unknown>>();

/** Registers how to make the module `loadLiteRt(path)` will ask for; taken once. */
export function provideWasmModule(path: string, make: () => Promise<unknown>): void {
  provided.set(path, make);
}

export async function createWasmLib<Lib>(constructorFcn: WasmConstructor<Lib>, wasmLoaderScript?: string | null): Promise<Lib> {
  const path = String(wasmLoaderScript ?? '');
  const make = provided.get(path);
  provided.delete(path);
  if (!make) throw new Error(`LiteRT.js asked for ${path}, which edgeserve's LiteRT engine did not provide`);
  return new constructorFcn((await make()) as never);
}
