/**
 * Format → engine, as data. Engines are imported on first use: a page that only runs ONNX
 * models never downloads TensorFlow.js or LiteRT.js, and nothing initialises at import time. Each call makes
 * a new engine: the host keeps one per format (its lazily initialised state is the host's).
 */
import type { ModelFormat } from '../manifest/schema.js';
import type { Engine } from './engine.js';

export type EngineRegistry = Record<ModelFormat, () => Promise<Engine>>;

export const defaultEngines: EngineRegistry = {
  onnx: async () => (await import('./onnx.js')).createOnnxEngine(),
  tfjs: async () => (await import('./tfjs.js')).createTfjsEngine(),
  tflite: async () => (await import('./litert.js')).createLitertEngine(),
};
