/**
 * What this device can run: a WebGPU adapter (and whether it is a software one), WASM SIMD,
 * WASM threads. Works on the page and in a worker; nothing is cached so a test can ask again.
 * What to run on, given these, is decided in one place: src/host/backend-resolver.ts.
 */
import type { Capabilities } from './protocol.js';

/** A minimal module using a v128 instruction (as wasm-feature-detect does): validates only with SIMD. */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface DetectedCapabilities extends Capabilities {
  /** Software adapters (SwiftShader) are far slower than WASM; 'auto' does not pick them. */
  softwareAdapter: boolean;
  webgpuReason?: string;
}

export async function detectCapabilities(nav: Navigator | WorkerNavigator = globalThis.navigator): Promise<DetectedCapabilities> {
  const wasmSimd = typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  const wasmThreads = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  const hardwareConcurrency = nav.hardwareConcurrency || 1;
  const base = { wasmSimd, wasmThreads, hardwareConcurrency };
  if (!('gpu' in nav) || !nav.gpu) {
    return { ...base, webgpu: false, softwareAdapter: false, webgpuReason: 'navigator.gpu is missing (no WebGPU in this browser or context)' };
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await nav.gpu.requestAdapter();
  } catch (error) {
    return { ...base, webgpu: false, softwareAdapter: false, webgpuReason: `requestAdapter failed: ${String(error)}` };
  }
  if (!adapter) return { ...base, webgpu: false, softwareAdapter: false, webgpuReason: 'requestAdapter() returned no adapter' };
  const info = (adapter.info ?? {}) as AdapterInfoLike;
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ').trim() || 'unknown adapter';
  const softwareAdapter = info.isFallbackAdapter === true || /swiftshader/i.test(name);
  return { ...base, webgpu: true, adapter: name, softwareAdapter };
}
