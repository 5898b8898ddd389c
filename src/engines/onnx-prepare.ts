/**
 * onnxruntime-web has no public "initialise" call: its WASM module is fetched, compiled and
 * instantiated (and its thread pool started) inside the first `InferenceSession.create`. A
 * session on this one-node model (Identity, float32[1]) does exactly that and nothing more, so
 * the host can start it while the real model is still downloading.
 */
import type * as Ort from 'onnxruntime-web';

/** ModelProto: ir_version 8, opset 13, graph g: y = Identity(x), x and y float32[1]. */
const IDENTITY_MODEL = 'CAg6NwoQCgF4EgF5IghJZGVudGl0eRIBZ1oPCgF4EgoKCAgBEgQKAggBYg8KAXkSCgoICAESBAoCCAFCBAoAEA0=';

function identityModel(): Uint8Array {
  return Uint8Array.from(atob(IDENTITY_MODEL), (c) => c.charCodeAt(0));
}

/** Initialises the runtime's WASM backend; WebGPU sessions share the same module. */
export async function startOrtRuntime(ort: typeof Ort): Promise<void> {
  const session = await ort.InferenceSession.create(identityModel(), { executionProviders: ['wasm'] });
  await session.release();
}
