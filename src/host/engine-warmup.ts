/**
 * Cold start: the engine's runtime (for ONNX, a 20+ MB WASM binary to fetch and compile) is
 * started as soon as the model's format is known, so it overlaps the model's download instead of
 * following it. A failed warm-up is dropped: opening the session meets the same cause and names it.
 */
import { planBackends } from '../capabilities.js';
import type { ModelFormat } from '../manifest/schema.js';
import type { BackendChoice } from '../protocol.js';
import type { HostContext } from './host-context.js';

export function warmEngine(ctx: HostContext, format: ModelFormat, requested: BackendChoice = 'auto'): Promise<void> {
  const work = async () => {
    const engine = await ctx.engine(format);
    if (!engine.prepare) return;
    const detected = await ctx.capabilities();
    // The backend tried first decides which runtime to start (a WASM-only plan never fetches WebGPU's).
    await engine.prepare(ctx.engineContext(detected), planBackends(requested, detected).order[0]);
  };
  return work().catch(() => undefined);
}
