/**
 * The tfjs backend chooser with the real WASM backend in Node and a WebGPU backend that cannot
 * start (Node has no WebGPU): one backend per realm, a failed start forgotten.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { tfjsBackendChooser, tfjsBackendLoaders } from '../../src/engines/tfjs-backend.js';
import { nodeTfjsContext } from '../fixtures/node-tfjs-context.js';

const files = nodeTfjsContext().files.tfjs;

it('starts WASM after a failed WebGPU start, and refuses WebGPU asked while WASM starts instead of answering with WASM', async () => {
  const useBackend = tfjsBackendChooser({ ...tfjsBackendLoaders, webgpu: async () => Promise.reject(new Error('no WebGPU adapter')) });
  await expect(useBackend('webgpu', files)).rejects.toThrow('no WebGPU adapter');
  const wasm = useBackend('wasm', files);
  const webgpu = useBackend('webgpu', files);
  await wasm;
  expect(tf.getBackend()).toBe('wasm');
  await expect(webgpu).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining('already runs on wasm') });
  await expect(useBackend('wasm', files)).resolves.toBeUndefined();
});
