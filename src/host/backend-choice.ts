/**
 * `auto` by measurement. Where more than one backend can run a model, the first load of a
 * version on a device opens a session on each, times a few warm-up runs, keeps the faster and
 * records the timings in the store; later loads reuse that record without measuring again.
 * A WebGPU adapter is not a promise of speed: small models often run slower there than on WASM
 * (dispatch and read-back costs dominate), so the device is asked rather than guessed.
 */
import type { BackendPlan } from '../capabilities.js';
import type { Engine, EngineContext, EngineSession, ModelFile } from '../engines/engine.js';
import { UnsupportedError } from '../errors.js';
import type { ModelSpec } from '../manifest/schema.js';
import type { BackendChoiceInfo, BackendName } from '../protocol.js';
import type { DeviceState } from '../state/device-state.js';
import type { EntryKey } from '../store/model-store.js';
import { openWithFallback, warmupInputs, type OpenedSession } from './backend-fallback.js';

/** Timed runs per backend after the untimed first one (which pays shader compilation). */
const TIMED_RUNS = 3;
/** A backend this many times slower than the best so far has lost: stop timing it. */
const LOST_FACTOR = 2;

export interface MeasureOptions {
  state: Pick<DeviceState, 'backendChoice' | 'setBackendChoice'>;
  key: EntryKey;
  now?: () => number;
}

export type ChosenSession = OpenedSession & { backendChoice?: BackendChoiceInfo };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

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

/**
 * Opens the session `plan` asks for; with `plan.measure`, the one measured (or stored as)
 * fastest among the backends that open here. A backend that fails to open is reported as the
 * fallback it is, as openWithFallback does.
 */
export async function openChosen(engine: Engine, spec: ModelSpec, files: ModelFile[], plan: BackendPlan, context: EngineContext, options: MeasureOptions): Promise<ChosenSession> {
  if (!plan.measure || plan.order.length < 2) return openWithFallback(engine, spec, files, plan, context, false);
  const now = options.now ?? (() => performance.now());
  const stored = await options.state.backendChoice(options.key);
  if (stored && plan.order.includes(stored.backend)) {
    const order = [stored.backend, ...plan.order.filter((b) => b !== stored.backend)];
    const opened = await openWithFallback(engine, spec, files, { ...plan, order }, context, false);
    return { ...opened, backendChoice: { measured: stored.measured, chosenBy: 'stored' } };
  }
  const measured: Partial<Record<BackendName, number>> = {};
  const failures: { backend: BackendName; reason: string }[] = [];
  let best: { opened: OpenedSession; ms: number } | undefined;
  for (const backend of plan.order) {
    let opened: OpenedSession;
    try {
      // Opens and runs once (untimed): that first run also proves the backend can run the model.
      opened = await openWithFallback(engine, spec, files, { order: [backend] }, context, true);
    } catch (error) {
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
    throw new UnsupportedError(`${engine.name} could not open "${spec.id}" on any backend: ${failures.map((f) => `${f.backend}: ${f.reason}`).join('; ')}`, { id: spec.id, failures });
  }
  await options.state.setBackendChoice(options.key, { backend: best.opened.backend, measured, measuredAt: Date.now() });
  // A fallback is when the backend planned first could not open, not when it lost the race.
  const failed = failures.find((f) => f.backend === plan.order[0]);
  return {
    ...best.opened,
    ...(failed && best.opened.backend !== failed.backend ? { fallback: { from: failed.backend, reason: failed.reason } } : {}),
    backendChoice: { measured, chosenBy: 'measurement' },
  };
}
