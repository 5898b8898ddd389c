/**
 * The engines fetch their WASM (and onnxruntime's Emscripten glue .mjs) at run time. In this
 * repository the demo serves copies from public/engines/ and the worker points the engines at
 * them explicitly: left to find them through import.meta.url, onnxruntime-web's pthread workers
 * load the app's own chunk in a Vite build and session creation hangs (docs/ARCHITECTURE.md, "Engines"). The package build copies
 * the same files into dist/lib/ (tools/build/build-lib.ts).
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ORT_FILE_NAMES, TFJS_WASM_NAMES } from '../../src/engines/engine-files.js';
import { copyLitertAssets } from './litert-assets.js';

/**
 * Both onnxruntime-web flavours the engine uses: the plain SIMD-threaded build (WASM only) and
 * the JSEP build (WebGPU), which a session loads only when it runs on WebGPU.
 */
export const ORT_FILES = ORT_FILE_NAMES;
export const TFJS_WASM_FILES: readonly string[] = TFJS_WASM_NAMES;

export async function copyEngineAssets(root: string, toDir: string): Promise<void> {
  const ortDir = join(toDir, 'ort');
  const tfjsDir = join(toDir, 'tfjs');
  await mkdir(ortDir, { recursive: true });
  await mkdir(tfjsDir, { recursive: true });
  for (const file of ORT_FILES) await copyFile(join(root, 'node_modules/onnxruntime-web/dist', file), join(ortDir, file));
  for (const file of TFJS_WASM_FILES) await copyFile(join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist', file), join(tfjsDir, file));
  copyLitertAssets(root, join(toDir, 'litert'));
}
