/**
 * Opening a load's session: the engine for the model's format, the plan for the requested
 * backend on this device, and the backend resolver's choice on it (backend-resolver.ts). The
 * engine's runtime may already be starting (engine-warmup.ts); the session waits for it.
 */
import type { DetectedCapabilities } from '../capabilities.js';
import type { Engine } from '../engines/engine.js';
import type { BackendChoice } from '../protocol.js';
import type { EntryKey } from '../store/model-store.js';
import { openResolved, planBackends, type OpenedSession } from './backend-resolver.js';
import type { ChosenBytes, Report } from './choose-bytes.js';
import type { HostParts } from './host-parts.js';

export interface OpenedModel {
  engine: Engine;
  opened: OpenedSession;
}

export async function openSession(
  parts: Pick<HostParts, 'engines' | 'state'>,
  chosen: ChosenBytes,
  key: EntryKey,
  requested: BackendChoice,
  detected: DetectedCapabilities,
  report: Report,
): Promise<OpenedModel> {
  const { spec, files } = chosen.fetched;
  const engine = await parts.engines.engine(spec.format);
  report({ phase: 'compile', loaded: 0, total: 0 });
  await chosen.engineWarming;
  const plan = planBackends(requested, detected);
  const opened = await openResolved({ engine, spec, files, context: parts.engines.context(detected) }, plan, { state: parts.state, key });
  return { engine, opened };
}
