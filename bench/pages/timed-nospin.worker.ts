/// <reference lib="webworker" />
/**
 * The clocked runtime worker with one change, to test a patch before proposing it for
 * src/engines/onnx.ts: ORT sessions created with intra-/inter-op spinning off. After a run,
 * ORT's pool threads otherwise busy-wait for more work, holding the cores that the reply to the
 * page (another thread) needs. The patch is the `extra` session option added here.
 */
import * as ort from 'onnxruntime-web';
import { exposeTimedHost } from './timed-host.js';

const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (bytes: Uint8Array, options?: ort.InferenceSession.SessionOptions) => Promise<ort.InferenceSession>;
(ort.InferenceSession as { create: unknown }).create = (bytes: Uint8Array, options: ort.InferenceSession.SessionOptions = {}) =>
  create(bytes, { ...options, extra: { ...options.extra, session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } });

exposeTimedHost();
