/**
 * The engines' own run-time files (onnxruntime-web's Emscripten glue .mjs and .wasm, tfjs-backend-
 * wasm's .wasm), as absolute URLs. Two onnxruntime-web flavours: the plain SIMD-threaded build
 * (WASM execution provider only) and the JSEP build (WebGPU and WASM), twice its size — a
 * WASM-only page must never fetch the second.
 */
export interface OrtFiles {
  wasm: string;
  mjs: string;
  /**
   * SHA-256 (hex) of the .wasm as the package build recorded it, checked by the engine-file
   * cache. The .mjs has none: dev servers (Vite) serve it transformed, so its bytes vary.
   */
  wasmSha256?: string;
}

/** The two onnxruntime-web flavours' file stems (`<stem>.mjs`, `<stem>.wasm`): the one list of them. */
export const ORT_FLAVOUR_STEMS = { wasm: 'ort-wasm-simd-threaded', jsep: 'ort-wasm-simd-threaded.jsep' } as const;
/** Every onnxruntime-web file the engine loads, by name. */
export const ORT_FILE_NAMES = Object.values(ORT_FLAVOUR_STEMS).flatMap((stem) => [`${stem}.mjs`, `${stem}.wasm`]);

/**
 * LiteRT.js's two single-threaded builds: relaxed SIMD, and `compat` for browsers without relaxed
 * SIMD. Its glue is a classic script that a module worker cannot load (no importScripts there),
 * so the package build and `npm run models` ship it as an ES module (`.mjs`: the same code,
 * exporting its factory; tools/models/litert-assets.ts).
 */
export const LITERT_STEMS = { simd: 'litert_wasm_internal', compat: 'litert_wasm_compat_internal' } as const;
export const LITERT_FILE_NAMES = Object.values(LITERT_STEMS).flatMap((stem) => [`${stem}.mjs`, `${stem}.wasm`]);

export const TFJS_WASM_NAMES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
export type TfjsWasmName = (typeof TFJS_WASM_NAMES)[number];

export interface EngineFiles {
  /** onnxruntime-web/wasm: ort-wasm-simd-threaded.{mjs,wasm}. */
  ortWasm: OrtFiles;
  /** onnxruntime-web (JSEP): ort-wasm-simd-threaded.jsep.{mjs,wasm}. */
  ortJsep: OrtFiles;
  /** tfjs-backend-wasm's binaries by file name (setWasmPaths takes this map). */
  tfjs: Record<TfjsWasmName, string>;
  /** LiteRT.js's builds (glue .mjs and .wasm, as OrtFiles), loaded only for a tflite model. */
  litert: { simd: OrtFiles; compat: OrtFiles };
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** The files under one base URL laid out as `ort/<file>`, `tfjs/<file>` and `litert/<file>` (the package's dist/lib/, or an app's own copy). */
export function engineFilesAt(base: string): EngineFiles {
  const root = withSlash(base);
  const ort = (name: string, dir = 'ort'): OrtFiles => ({ wasm: `${root}${dir}/${name}.wasm`, mjs: `${root}${dir}/${name}.mjs` });
  return {
    ortWasm: ort(ORT_FLAVOUR_STEMS.wasm),
    ortJsep: ort(ORT_FLAVOUR_STEMS.jsep),
    tfjs: Object.fromEntries(TFJS_WASM_NAMES.map((name) => [name, `${root}tfjs/${name}`])) as Record<TfjsWasmName, string>,
    litert: { simd: ort(LITERT_STEMS.simd, 'litert'), compat: ort(LITERT_STEMS.compat, 'litert') },
  };
}

/** `files` with the .wasm hashes `known` records: an app's own copy (engineAssetsUrl) is checked like the package's. */
export function withKnownHashes(files: EngineFiles, known: EngineFiles): EngineFiles {
  const hashOf = (own: OrtFiles, ref: OrtFiles): OrtFiles => (ref.wasmSha256 ? { ...own, wasmSha256: ref.wasmSha256 } : own);
  return {
    ...files,
    ortWasm: hashOf(files.ortWasm, known.ortWasm),
    ortJsep: hashOf(files.ortJsep, known.ortJsep),
    litert: { simd: hashOf(files.litert.simd, known.litert.simd), compat: hashOf(files.litert.compat, known.litert.compat) },
  };
}
