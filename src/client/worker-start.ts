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

/**
 * How long `explain` waits for a violation event that has not come yet. Chromium reports the
 * worker's error and the page's securitypolicyviolation as separate tasks, in no promised
 * order; the wait ends the moment the event arrives, so the bound only costs a failure that
 * is not a CSP one (while its script's fetch is being diagnosed anyway).
 */
export const CSP_EVENT_WAIT_MS = 1000;

export function watchWorkerStart(
  scriptUrl: string | undefined,
  target: EventTarget | undefined = globalThis.document,
  fetchImpl: Fetch = (u, i) => fetch(u, i),
  violationWaitMs = CSP_EVENT_WAIT_MS,
): StartWatch {
  const violations: SecurityPolicyViolationEvent[] = [];
  let arrived: (() => void) | undefined;
  const listener = (event: Event) => {
    const violation = event as SecurityPolicyViolationEvent;
    if (!WORKER_DIRECTIVES.has(violation.effectiveDirective)) return;
    violations.push(violation);
    arrived?.();
  };
  target?.addEventListener('securitypolicyviolation', listener);
  const stop = () => target?.removeEventListener('securitypolicyviolation', listener);

  /** Resolves when a worker violation has been seen, or after `violationWaitMs` without one. */
  function violationOrTimeout(): Promise<void> {
    if (violations.length > 0 || !target) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, violationWaitMs);
      arrived = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  async function explain(): Promise<WorkerStartFailedError> {
    if (violations.length === 0) {
      // The script's own diagnosis runs meanwhile; a CSP violation, if one comes, is the cause.
      const diagnosis = diagnoseScript();
      await violationOrTimeout();
      if (violations.length === 0) {
        stop();
        return diagnosis;
      }
    }
    stop();
    const violation = violations.find((v) => v.effectiveDirective === 'worker-src') ?? violations[0]!;
    const blocked = violation.blockedURI || 'blob';
    return new WorkerStartFailedError(
      `the page's Content-Security-Policy blocked the runtime worker (${blocked === 'blob' ? 'a blob: URL' : blocked}) under "${violation.violatedDirective}": ${cspAdvice(violation.violatedDirective, blocked)}`,
      { csp: true, directive: 'worker-src', violated: violation.violatedDirective, blockedURI: blocked },
    );
  }

  async function diagnoseScript(): Promise<WorkerStartFailedError> {
    if (!scriptUrl) return new WorkerStartFailedError("the runtime worker's script did not load or failed at its start (the browser gives no reason; see the network panel)");
    const response = await fetchImpl(scriptUrl, { cache: 'no-store' }).catch((error: unknown) => String(error));
    if (typeof response === 'string') return new WorkerStartFailedError(`the runtime worker script ${scriptUrl} could not be fetched (${response})`, { url: scriptUrl });
    void response.body?.cancel().catch(() => undefined);
    if (!response.ok)
      return new WorkerStartFailedError(`the runtime worker script ${scriptUrl} could not be loaded: HTTP ${response.status}`, { url: scriptUrl, status: response.status });
    return new WorkerStartFailedError(
      `the runtime worker script ${scriptUrl} loaded but failed at its start (a syntax error, a module it imports that did not load, or a wrong Content-Type: ${response.headers.get('content-type') ?? 'none'})`,
      { url: scriptUrl },
    );
  }

  return { explain, stop };
}
