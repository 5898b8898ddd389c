/// <reference lib="webworker" />
/**
 * What workers/runtime.worker.ts exposes, with clocks on it, for the overhead breakdown only: the same host on the same engines, plus epoch timestamps where a predict enters the host,
 * enters the engine, leaves the engine and leaves the host. Epoch time (timeOrigin + now) is
 * comparable between the page and this worker, so the page can split the round trip in legs.
 */
import { expose } from 'comlink';
import type { Engine } from '../../src/engines/engine.js';
import { defaultEngines } from '../../src/engines/registry.js';
import { withTaggedErrors } from '../../src/error-wire.js';
import { createHost, defaultHostDeps } from '../../src/host/host.js';
import { holdLifeLock } from '../../src/locks/life-lock.js';
import { wrapEngineRun } from '../../test/fixtures/wrap-engine-run.js';

export interface HostTiming {
  hostIn: number;
  engineIn: number;
  engineOut: number;
  hostOut: number;
}

const epoch = () => performance.timeOrigin + performance.now();
const timings: HostTiming[] = [];
let current: Partial<HostTiming> = {};

function timed(engine: Engine): Engine {
  return wrapEngineRun(engine, async (run, inputs) => {
    current.engineIn = epoch();
    try {
      return await run(inputs);
    } finally {
      current.engineOut = epoch();
    }
  });
}

/** Exposes the clocked host; call once, at the top of a worker entry. */
export function exposeTimedHost(): void {
  const host = createHost({
    ...defaultHostDeps,
    engines: {
      onnx: async () => timed(await defaultEngines.onnx()),
      tfjs: async () => timed(await defaultEngines.tfjs()),
      tflite: async () => timed(await defaultEngines.tflite()),
    },
    alive: holdLifeLock(self.name),
  });
  const predict = host.predict;
  expose(
    withTaggedErrors({
      ...host,
      async predict(...args: Parameters<typeof predict>) {
        current = { hostIn: epoch() };
        // The returned object is the one host.predict marked for transfer, so Comlink still transfers it.
        const out = await predict(...args);
        current.hostOut = epoch();
        timings.push(current as HostTiming);
        return out;
      },
      benchTimings: () => timings.splice(0),
    }),
  );
}
