/**
 * The engine's runtime (for ONNX, a 14 MB WASM binary to fetch and compile, then its own start-up
 * code: 0.33–0.45 s to "runtime ready" on a warm visit on 2 cores, in the bench's bare-worker
 * table) is started as soon as the model's format is known: on a cold load it overlaps the
 * model's download, on a warm one the read and check of the stored bytes. A failed warm-up is
 * dropped: opening the session meets the same cause and names it.
 */
import type { ModelFormat } from '../manifest/schema.js';
import type { BackendChoice } from '../protocol.js';
import { planBackends } from './backend-resolver.js';
import type { HostParts } from './host-parts.js';

export function warmEngine(
  parts: Pick<HostParts, 'engines' | 'capabilities'>,
  format: ModelFormat,
  requested: BackendChoice = 'auto',
  options: { unlessMeasuring?: boolean } = {},
): Promise<void> {
  const work = async () => {
    const engine = await parts.engines.engine(format);
    if (!engine.prepare) return;
    const detected = await parts.capabilities();
    const plan = planBackends(requested, detected);
    // A warm load that measures serves the backend its stored choice names, not yet known here.
    if (plan.measure && options.unlessMeasuring) return;
    // The backend tried first decides which runtime to start (a WASM-only plan never fetches WebGPU's).
    await engine.prepare(parts.engines.context(detected), plan.order[0]);
  };
  return work().catch(() => undefined);
}
