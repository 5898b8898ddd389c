/**
 * An engine session on the best backend the plan allows: WebGPU first when planned, WASM when
 * WebGPU is missing or its session fails. With `warmup`, a session must also run once on the
 * manifest's warm-up inputs to count as opened — a version that cannot run is never served.
 */
import type { BackendPlan } from '../capabilities.js';
import type { Engine, EngineContext, EngineSession, ModelFile } from '../engines/engine.js';
import { UnsupportedError, type EdgeServeError } from '../errors.js';
import type { ModelSpec, TensorDtype } from '../manifest/schema.js';
import type { BackendName, TensorData, TensorMap } from '../protocol.js';
import { engineFileUrls, missingEngineFile } from './engine-files-check.js';

export interface OpenedSession {
  session: EngineSession;
  backend: BackendName;
  fallback?: { from: BackendName; reason: string };
  wasmThreads: number;
}

const zeros: Record<TensorDtype, (n: number, fill: number) => TensorData> = {
  float32: (n, fill) => new Float32Array(n).fill(fill),
  float16: (n) => new Uint16Array(n),
  int32: (n, fill) => new Int32Array(n).fill(fill),
  int64: (n, fill) => new BigInt64Array(n).fill(BigInt(Math.trunc(fill))),
  uint8: (n, fill) => new Uint8Array(n).fill(fill),
  int8: (n, fill) => new Int8Array(n).fill(fill),
  bool: (n, fill) => new Uint8Array(n).fill(fill ? 1 : 0),
};

export function warmupInputs(spec: ModelSpec): TensorMap {
  const inputs: TensorMap = {};
  for (const input of spec.inputs) {
    const given = spec.warmup?.[input.name];
    const dims = given?.dims ?? input.dims.map((d) => (typeof d === 'number' ? d : 1));
    inputs[input.name] = { dtype: input.dtype, dims, data: zeros[input.dtype](dims.reduce((n, d) => n * d, 1), given?.fill ?? 0) };
  }
  return inputs;
}

export async function openWithFallback(
  engine: Engine,
  spec: ModelSpec,
  files: ModelFile[],
  plan: BackendPlan,
  context: EngineContext,
  warmup: boolean,
  checkFiles: (urls: string[]) => Promise<EdgeServeError | undefined> = (urls) => missingEngineFile(urls),
): Promise<OpenedSession> {
  const failures: { backend: BackendName; reason: string }[] = [];
  for (const backend of plan.order) {
    let session: EngineSession | undefined;
    try {
      session = await engine.create(spec, files, backend, context);
      if (warmup) await session.run(warmupInputs(spec));
    } catch (error) {
      if (error instanceof UnsupportedError) throw error;
      await session?.dispose().catch(() => undefined);
      failures.push({ backend, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const skipped = failures[0] ?? (plan.skippedWebgpu ? { backend: 'webgpu' as const, reason: plan.skippedWebgpu } : undefined);
    return {
      session,
      backend,
      ...(skipped && backend !== 'webgpu' ? { fallback: { from: skipped.backend, reason: skipped.reason } } : {}),
      wasmThreads: backend === 'wasm' ? (session.wasmThreads ?? context.wasmThreads) : 0,
    };
  }
  // An engine file that does not load is the server's problem, not the device's: name it.
  const declared = plan.order.flatMap((backend) => engine.files?.(backend, context) ?? []);
  const bases = [...new Set(declared.map((url) => url.slice(0, url.lastIndexOf('/') + 1)))];
  const missing = await checkFiles(engineFileUrls(failures.map((f) => f.reason), bases, declared));
  if (missing) throw missing;
  throw new UnsupportedError(
    `${engine.name} could not ${warmup ? 'create and warm up' : 'create'} a session for "${spec.id}": ${failures.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`,
    { id: spec.id, failures },
  );
}
