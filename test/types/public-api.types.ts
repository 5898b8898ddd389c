/**
 * Compile-time tests of the public API: `npm run typecheck` fails if a line marked
 * @ts-expect-error stops being an error, or if a correct use stops compiling.
 */
import { createRuntime, type BackendChoice, type ErrorCode, type HostOption, type Model, type ModelInfo, type Runtime, type RuntimeInfo, type TensorMap } from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(_value?: T) => undefined;

export async function publicApi(): Promise<void> {
  const runtime: Runtime = createRuntime({ backend: 'auto', manifestUrl: '/models/manifest.json' });
  const model: Model = await runtime.load('ocr-cls', { precision: 'int8', backend: 'wasm', onProgress: (p) => p.loaded / p.total });
  const outputs: TensorMap = await model.predict({ x: { dtype: 'float32', dims: [1, 3, 48, 192], data: new Float32Array(27648) } });
  const info: ModelInfo = model.info();
  assertType<Equal<typeof info.backend, 'webgpu' | 'wasm'>>();
  assertType<Equal<ModelInfo['engine'], 'onnx' | 'tfjs' | 'litert'>>();
  assertType<Equal<BackendChoice, 'webgpu' | 'wasm' | 'auto'>>();
  const code: ErrorCode = 'BAD_INPUT';
  void outputs;
  void code;

  // @ts-expect-error precision is a closed set
  await runtime.load('ocr-cls', { precision: 'int4' });
  // @ts-expect-error backend is a closed set
  createRuntime({ backend: 'webgl' });
  // @ts-expect-error tensors need a dtype
  await model.predict({ x: { dims: [1], data: new Float32Array(1) } });
  // @ts-expect-error predict is asynchronous
  const sync: TensorMap = model.predict(outputs);
  void sync;
  // Where the models run: one shared host for the origin's pages, or the page's own worker.
  const where: RuntimeInfo = await createRuntime({ host: 'shared' }).info();
  assertType<Equal<typeof where.host, 'shared' | 'page'>>();
  assertType<Equal<HostOption, 'auto' | 'shared' | 'page'>>();
  // @ts-expect-error host is a closed set
  createRuntime({ host: 'tab' });
  // @ts-expect-error error codes are a closed set
  const wrong: ErrorCode = 'OOPS';
  void wrong;
}
