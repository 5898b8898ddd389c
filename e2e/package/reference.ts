/** The tiny model's outputs from bare onnxruntime-web (its WASM kernels, in Node): what every packaged app must match. */
import { createSession, ort } from '../../tools/ort-node.js';
import { TINY_IN, tinyInput, tinyModelBytes } from '../../test/fixtures/tiny-onnx-model.js';

export async function bareOrtOutputs(): Promise<number[]> {
  const session = await createSession(tinyModelBytes());
  const x = tinyInput();
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [x.length / TINY_IN, TINY_IN]) });
  await session.release();
  return [...(y!.data as Float32Array)];
}

/** The same input as rows, for the page's `predict(rows)`. */
export function tinyRows(): number[][] {
  const x = [...tinyInput()];
  return [x.slice(0, TINY_IN), x.slice(TINY_IN)];
}

export const maxAbsDiff = (a: number[], b: number[]) => (a.length === b.length ? Math.max(...a.map((v, i) => Math.abs(v - b[i]!))) : Infinity);
