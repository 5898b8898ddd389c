/**
 * Where the backend is chosen — the one place, as onnxruntime-web resolves its ordered provider
 * list in one function. Four steps, one vocabulary:
 *
 * - **requested**: what the app asked for (`'webgpu' | 'wasm' | 'auto'`, `BackendChoice`).
 * - **plan**: the backends to try here, in order, and why WebGPU is not among them when it is
 *   not (`planBackends`, from the detected capabilities). The plan's first backend is also the
 *   runtime started early while the model's bytes arrive (engine-warmup.ts).
 * - **fallback**: a planned backend that could not open the model, or could not run it once on
 *   the manifest's warm-up inputs, is passed over for the next; `info().fallback` says which and
 *   why. A version that runs nowhere is never served.
 * - **measured**: `auto` with more than one candidate opens each, times a few runs, keeps the
 *   faster, and remembers the result per stored version in the device state, so later loads
 *   reuse it without measuring. A WebGPU adapter is not a promise of speed: small models often
 *   run slower there than on WASM (dispatch and read-back costs dominate).
 */
import type { DetectedCapabilities } from '../capabilities.js';
import type { Engine, EngineContext, EngineSession, ModelFile } from '../engines/engine.js';
import { fitsBackend, modelTooLargeError, PREPACK_BELOW } from '../engines/memory-limits.js';
import { ModelTooLargeError, UnsupportedError, type EdgeServeError } from '../errors.js';
import type { ModelSpec } from '../manifest/schema.js';
import type { BackendChoice, BackendChoiceInfo, BackendName, TensorMap } from '../protocol.js';
import type { DeviceState } from '../state/device-state.js';
import type { EntryKey } from '../store/model-store.js';
import { median } from '../stats.js';
import { filled } from '../tensor.js';
import { engineFileUrls, missingEngineFile } from './engine-files-check.js';

export interface BackendPlan {
  /** Backends to try, in order. */
  order: BackendName[];
  /** Why WebGPU is not first, when it was asked for or would have been chosen. */
  skippedWebgpu?: string;
  /** 'auto' with more than one candidate: time each and keep the faster. */
  measure?: boolean;
}

/**
 * 'auto' means the fastest backend here: with a hardware WebGPU adapter both are candidates and
 * are measured; a software adapter is never one (on the CPU it cannot beat WASM's kernels).
 */
export function planBackends(requested: BackendChoice, caps: DetectedCapabilities): BackendPlan {
  if (requested === 'wasm') return { order: ['wasm'] };
  if (!caps.webgpu) return { order: ['wasm'], skippedWebgpu: caps.webgpuReason ?? 'no WebGPU' };
  if (requested === 'auto' && caps.softwareAdapter) {
    return { order: ['wasm'], skippedWebgpu: `the WebGPU adapter is software (${caps.adapter}); WASM is faster` };
  }
  return { order: ['webgpu', 'wasm'], ...(requested === 'auto' ? { measure: true } : {}) };
}

/**
 * Before a download: whether any planned backend can hold a model this big (ONNX: the WASM
 * memory and onnxruntime-web's 32-bit file offsets, engines/memory-limits.ts). A plan with
 * WebGPU in it is let through — only the device's own adapter can say, at session creation.
 */
export function refuseTooLarge(spec: Pick<ModelSpec, 'id' | 'format'>, files: readonly { bytes: number }[], plan: BackendPlan): void {
  if (spec.format !== 'onnx' || plan.order.includes('webgpu')) return;
  const bytes = files.reduce((n, f) => n + f.bytes, 0);
  const externalData = files.length > 1;
  const largestFile = Math.max(...files.map((f) => f.bytes));
  for (const backend of plan.order) {
    const fit = fitsBackend(bytes, backend, { externalData, largestFile, prepacked: bytes < PREPACK_BELOW });
    if (!fit.ok) throw modelTooLargeError({ id: spec.id, bytes, backend, externalData, limit: fit.limit, why: fit.why, reason: fit.reason });
  }
}

export interface OpenedSession {
  session: EngineSession;
  backend: BackendName;
  fallback?: { from: BackendName; reason: string };
  wasmThreads: number;
  backendChoice?: BackendChoiceInfo;
}

/** The manifest's warm-up inputs: per input, its given dims and fill, symbolic dims as 1. */
export function warmupInputs(spec: ModelSpec): TensorMap {
  const inputs: TensorMap = {};
  for (const input of spec.inputs) {
    const given = spec.warmup?.[input.name];
    const dims = given?.dims ?? input.dims.map((d) => (typeof d === 'number' ? d : 1));
    inputs[input.name] = {
      dtype: input.dtype,
      dims,
      data: filled(
        input.dtype,
        dims.reduce((n, d) => n * d, 1),
        given?.fill ?? 0,
      ),
    };
  }
  return inputs;
}

export interface OpenRequest {
  engine: Engine;
  spec: ModelSpec;
  files: ModelFile[];
  context: EngineContext;
}

/**
 * When a session must also run once on the warm-up inputs to count as opened: `always` (an
 * upgrade, a measurement), `never`, or `webgpu` — a WebGPU session with a backend after it in
 * the plan, because onnxruntime's WebGPU provider can open a model and then lack an op at run
 * time (MaxPool with ceil_mode): that run decides at load, not the user's first predict.
 */
export type Warmup = 'always' | 'never' | 'webgpu';

/**
 * A session on the first backend of the plan that opens (and, per `warmup`, runs once).
 * Nothing opens: a missing engine file is named (the server's problem), else UNSUPPORTED with
 * every backend's reason.
 */
export async function openOnPlan(
  { engine, spec, files, context }: OpenRequest,
  plan: BackendPlan,
  warmup: Warmup,
  checkFiles: (urls: string[]) => Promise<EdgeServeError | undefined> = (urls) => missingEngineFile(urls),
): Promise<OpenedSession> {
  const failures: { backend: BackendName; reason: string }[] = [];
  let tooLarge: ModelTooLargeError | undefined;
  for (const backend of plan.order) {
    let session: EngineSession | undefined;
    try {
      session = await engine.create(spec, files, backend, context);
      const last = backend === plan.order[plan.order.length - 1];
      if (warmup === 'always' || (warmup === 'webgpu' && backend === 'webgpu' && !last)) await session.run(warmupInputs(spec));
    } catch (error) {
      if (error instanceof UnsupportedError) throw error;
      await session?.dispose().catch(() => undefined);
      // Out of memory on one backend may fit another (WebGPU keeps weights off the WASM heap).
      if (error instanceof ModelTooLargeError) tooLarge ??= error;
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
  // Too large here is the answer a user can act on, not "unsupported" (never std::bad_alloc raw).
  if (tooLarge) throw tooLarge;
  const declared = plan.order.flatMap((backend) => engine.files?.(backend, context) ?? []);
  const bases = [...new Set(declared.map((url) => url.slice(0, url.lastIndexOf('/') + 1)))];
  const missing = await checkFiles(
    engineFileUrls(
      failures.map((f) => f.reason),
      bases,
      declared,
    ),
  );
  if (missing) throw missing;
  throw new UnsupportedError(
    `${engine.name} could not ${warmup === 'always' ? 'create and warm up' : 'create'} a session for "${spec.id}": ${failures.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`,
    { id: spec.id, failures },
  );
}

/** Timed runs per backend after the untimed first one (which pays shader compilation). */
const TIMED_RUNS = 3;
/** A backend this many times slower than the best so far has lost: stop timing it. */
const LOST_FACTOR = 2;

async function timeRuns(session: EngineSession, spec: ModelSpec, best: number, now: () => number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const inputs = warmupInputs(spec);
    const t0 = now();
    await session.run(inputs);
    times.push(now() - t0);
    if (times[times.length - 1]! > best * LOST_FACTOR) break;
  }
  return median(times);
}

export interface Remembered {
  state: Pick<DeviceState, 'backendChoice' | 'setBackendChoice'>;
  /** The stored version the measurement belongs to. */
  key: EntryKey;
  now?: () => number;
}

/** Measures each planned backend (or reuses what was measured for this version) and keeps the fastest. */
async function openMeasured(request: OpenRequest, plan: BackendPlan, remembered: Remembered): Promise<OpenedSession> {
  const now = remembered.now ?? (() => performance.now());
  const stored = await remembered.state.backendChoice(remembered.key);
  if (stored && plan.order.includes(stored.backend)) {
    const order = [stored.backend, ...plan.order.filter((b) => b !== stored.backend)];
    const opened = await openOnPlan(request, { ...plan, order }, 'never');
    return { ...opened, backendChoice: { measured: stored.measured, chosenBy: 'stored' } };
  }
  const { engine, spec } = request;
  const measured: Partial<Record<BackendName, number>> = {};
  const failures: { backend: BackendName; reason: string }[] = [];
  let best: { opened: OpenedSession; ms: number } | undefined;
  let lastTooLarge: ModelTooLargeError | undefined;
  for (const backend of plan.order) {
    let opened: OpenedSession;
    try {
      // Opens and runs once (untimed): that first run also proves the backend can run the model.
      opened = await openOnPlan(request, { order: [backend] }, 'always');
    } catch (error) {
      if (error instanceof ModelTooLargeError) lastTooLarge = error;
      failures.push({ backend, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const ms = await timeRuns(opened.session, spec, best?.ms ?? Infinity, now).catch(() => undefined);
    if (ms === undefined) {
      await opened.session.dispose().catch(() => undefined);
      failures.push({ backend, reason: `${backend} failed during its timed runs` });
      continue;
    }
    measured[backend] = ms;
    if (!best || ms < best.ms) {
      await best?.opened.session.dispose().catch(() => undefined);
      best = { opened, ms };
    } else {
      await opened.session.dispose().catch(() => undefined);
    }
  }
  if (!best) {
    if (lastTooLarge) throw lastTooLarge;
    throw new UnsupportedError(`${engine.name} could not open "${spec.id}" on any backend: ${failures.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`, {
      id: spec.id,
      failures,
    });
  }
  await remembered.state.setBackendChoice(remembered.key, { backend: best.opened.backend, measured, measuredAt: Date.now() });
  // A fallback is when the backend planned first could not open, not when it lost the race.
  const failed = failures.find((f) => f.backend === plan.order[0]);
  return {
    ...best.opened,
    ...(failed && best.opened.backend !== failed.backend ? { fallback: { from: failed.backend, reason: failed.reason } } : {}),
    backendChoice: { measured, chosenBy: 'measurement' },
  };
}

/**
 * A planned order, the remembered way: WebGPU that failed to open or run this version on this
 * device before is not tried again (the fallback names the first failure), and a new failure is
 * remembered. Best effort: a lost record costs one more try.
 */
async function openRemembering(request: OpenRequest, plan: BackendPlan, remembered: Remembered): Promise<OpenedSession> {
  const record = plan.order[0] === 'webgpu' && plan.order.length > 1 ? await remembered.state.backendChoice(remembered.key) : undefined;
  const failedBefore = record?.failed?.webgpu;
  if (failedBefore) {
    return openOnPlan(request, { order: plan.order.filter((b) => b !== 'webgpu'), skippedWebgpu: `it failed on this device before: ${failedBefore}` }, 'never');
  }
  const opened = await openOnPlan(request, plan, 'webgpu');
  if (opened.fallback?.from === 'webgpu' && plan.order[0] === 'webgpu') {
    await remembered.state.setBackendChoice(remembered.key, {
      backend: opened.backend === 'webgpu' ? 'wasm' : opened.backend,
      measured: {},
      failed: { webgpu: opened.fallback.reason },
      measuredAt: Date.now(),
    });
  }
  return opened;
}

/** A load's session: the plan's first backend that opens and runs, or with `plan.measure` the measured fastest. */
export function openResolved(request: OpenRequest, plan: BackendPlan, remembered: Remembered): Promise<OpenedSession> {
  if (!plan.measure || plan.order.length < 2) return openRemembering(request, plan, remembered);
  return openMeasured(request, plan, remembered);
}
