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

export const TFJS_WASM_NAMES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
export type TfjsWasmName = (typeof TFJS_WASM_NAMES)[number];

export interface EngineFiles {
  /** onnxruntime-web/wasm: ort-wasm-simd-threaded.{mjs,wasm}. */
  ortWasm: OrtFiles;
  /** onnxruntime-web (JSEP): ort-wasm-simd-threaded.jsep.{mjs,wasm}. */
  ortJsep: OrtFiles;
  /** tfjs-backend-wasm's binaries by file name (setWasmPaths takes this map). */
  tfjs: Record<TfjsWasmName, string>;
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

/** The files under one base URL laid out as `ort/<file>` and `tfjs/<file>` (the package's dist/lib/, or an app's own copy). */
export function engineFilesAt(base: string): EngineFiles {
  const root = withSlash(base);
  const ort = (name: string): OrtFiles => ({ wasm: `${root}ort/${name}.wasm`, mjs: `${root}ort/${name}.mjs` });
  return {
    ortWasm: ort(ORT_FLAVOUR_STEMS.wasm),
    ortJsep: ort(ORT_FLAVOUR_STEMS.jsep),
    tfjs: Object.fromEntries(TFJS_WASM_NAMES.map((name) => [name, `${root}tfjs/${name}`])) as Record<TfjsWasmName, string>,
  };
}

/** `files` with the .wasm hashes `known` records: an app's own copy (engineAssetsUrl) is checked like the package's. */
export function withKnownHashes(files: EngineFiles, known: EngineFiles): EngineFiles {
  const hashOf = (own: OrtFiles, ref: OrtFiles): OrtFiles => (ref.wasmSha256 ? { ...own, wasmSha256: ref.wasmSha256 } : own);
  return { ...files, ortWasm: hashOf(files.ortWasm, known.ortWasm), ortJsep: hashOf(files.ortJsep, known.ortJsep) };
}
