/**
 * Cold start: the engine's runtime (for ONNX, a 20+ MB WASM binary to fetch and compile) is
 * started as soon as the model's format is known, so it overlaps the model's download instead of
 * following it. A failed warm-up is dropped: opening the session meets the same cause and names it.
 */
import type { ModelFormat } from '../manifest/schema.js';
import type { HostContext } from './host-context.js';

export function warmEngine(ctx: HostContext, format: ModelFormat): Promise<void> {
  const work = async () => {
    const engine = await ctx.deps.engines[format]();
    if (!engine.prepare) return;
    await engine.prepare(ctx.engineContext(await ctx.capabilities()));
  };
  return work().catch(() => undefined);
}
