/// <reference lib="webworker" />
/**
 * Test-only runtime worker: the real host and engines, except that a run whose first input
 * value is SPIN_MARK never returns — a busy loop, as a wedged engine run would be — and that
 * opening a session of SPIN_LOAD_MODEL never returns either (a session creation wedged in the
 * engine). Everything else (load, store, other predicts) is the shipped code path.
 */
import type { Engine } from '../../src/engines/engine.js';
import { defaultEngines } from '../../src/engines/registry.js';
import { exposeHost } from '../../src/host/expose-host.js';
import { wrapEngineRun } from '../../test/fixtures/wrap-engine-run.js';

const SPIN_MARK = -7777;
/** e2e/worker-watchdog-load.spec.ts: its load wedges the worker inside session creation. */
const SPIN_LOAD_MODEL = 'ocr-det';

function spinOnMark(engine: Engine): Engine {
  const wrapped = wrapEngineRun(engine, (run, inputs) => {
    const first = Object.values(inputs)[0];
    if (first?.data[0] === SPIN_MARK) for (;;);
    return run(inputs);
  });
  return {
    ...wrapped,
    create(model, ...rest) {
      if (model.id === SPIN_LOAD_MODEL) for (;;);
      return wrapped.create(model, ...rest);
    },
  };
}

exposeHost({ engines: { ...defaultEngines, onnx: async () => spinOnMark(await defaultEngines.onnx()) } });
