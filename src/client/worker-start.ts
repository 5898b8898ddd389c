/**
 * Why a worker never started. The browser's error event for a worker whose script did not load
 * carries nothing (no message, no URL), which used to read as "it may have run out of memory".
 * Two causes are named here: a Content-Security-Policy that blocks it (the drop-in starts its
 * inlined worker from a blob: URL, which worker-src must allow), seen as a
 * securitypolicyviolation event from the spawn on; and a script that does not load, named with
 * its URL and HTTP status when the worker factory says where its script is (`scriptUrl`).
 */
import { WorkerStartFailedError } from '../errors.js';

export interface StartWatch {
  /** The failure, once the worker's error event came before it ever answered. */
  explain(): Promise<WorkerStartFailedError>;
  stop(): void;
}

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Directives that govern creating a worker (worker-src falls back to child-src, script-src, default-src). */
const WORKER_DIRECTIVES = new Set(['worker-src', 'child-src', 'script-src', 'script-src-elem', 'default-src']);

export function cspAdvice(violated: string, blockedURI: string): string {
  const source = blockedURI === 'blob' || blockedURI.startsWith('blob:') ? 'blob:' : new URL(blockedURI, globalThis.location?.href).origin;
  return `add ${source} to the worker-src directive${violated.startsWith('worker-src') ? '' : ` (the policy has none, so ${violated.split(' ')[0]} applies)`}`;
}

export function watchWorkerStart(scriptUrl: string | undefined, target: EventTarget | undefined = globalThis.document, fetchImpl: Fetch = (u, i) => fetch(u, i)): StartWatch {
  const violations: SecurityPolicyViolationEvent[] = [];
  const listener = (event: Event) => {
    const violation = event as SecurityPolicyViolationEvent;
    if (WORKER_DIRECTIVES.has(violation.effectiveDirective)) violations.push(violation);
  };
  target?.addEventListener('securitypolicyviolation', listener);
  const stop = () => target?.removeEventListener('securitypolicyviolation', listener);

  async function explain(): Promise<WorkerStartFailedError> {
    // The violation event is queued as a task of its own; let it arrive.
    await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    const violation = violations.find((v) => v.effectiveDirective === 'worker-src') ?? violations[0];
    if (violation) {
      const blocked = violation.blockedURI || 'blob';
      return new WorkerStartFailedError(
        `the page's Content-Security-Policy blocked the runtime worker (${blocked === 'blob' ? 'a blob: URL' : blocked}) under "${violation.violatedDirective}": ${cspAdvice(violation.violatedDirective, blocked)}`,
        { csp: true, directive: 'worker-src', violated: violation.violatedDirective, blockedURI: blocked },
      );
    }
    if (!scriptUrl) return new WorkerStartFailedError("the runtime worker's script did not load or failed at its start (the browser gives no reason; see the network panel)");
    const response = await fetchImpl(scriptUrl, { cache: 'no-store' }).catch((error: unknown) => String(error));
    if (typeof response === 'string') return new WorkerStartFailedError(`the runtime worker script ${scriptUrl} could not be fetched (${response})`, { url: scriptUrl });
    void response.body?.cancel().catch(() => undefined);
    if (!response.ok) return new WorkerStartFailedError(`the runtime worker script ${scriptUrl} could not be loaded: HTTP ${response.status}`, { url: scriptUrl, status: response.status });
    return new WorkerStartFailedError(`the runtime worker script ${scriptUrl} loaded but failed at its start (a syntax error, a module it imports that did not load, or a wrong Content-Type: ${response.headers.get('content-type') ?? 'none'})`, { url: scriptUrl });
  }

  return { explain, stop };
}
