/**
 * The engine's runtime (for ONNX, a 14 MB WASM binary to fetch and compile, then its own start-up
 * code: 0.33–0.45 s to "runtime ready" on a warm visit on 2 cores, in the bench's bare-worker
 * table) is started as soon as the model's format is known: on a cold load it overlaps the
 * model's download, on a warm one the read and check of the stored bytes. A failed warm-up is dropped: opening the session meets the same cause and names it.
 */
import { planBackends } from '../capabilities.js';
import type { ModelFormat } from '../manifest/schema.js';
import type { BackendChoice } from '../protocol.js';
import type { HostContext } from './host-context.js';

export function warmEngine(ctx: HostContext, format: ModelFormat, requested: BackendChoice = 'auto', options: { unlessMeasuring?: boolean } = {}): Promise<void> {
  const work = async () => {
    const engine = await ctx.engine(format);
    if (!engine.prepare) return;
    const detected = await ctx.capabilities();
    const plan = planBackends(requested, detected);
    // A warm load that measures serves the backend its stored choice names, not yet known here.
    if (plan.measure && options.unlessMeasuring) return;
    // The backend tried first decides which runtime to start (a WASM-only plan never fetches WebGPU's).
    await engine.prepare(ctx.engineContext(detected), plan.order[0]);
  };
  return work().catch(() => undefined);
}
