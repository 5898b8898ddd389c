import { describe, expect, it } from 'vitest';
import { cspAdvice, watchWorkerStart } from '../../src/client/worker-start.js';

describe('why a worker never started', () => {
  it('says which directive to change for a blocked blob: worker', () => {
    expect(cspAdvice("worker-src 'self'", 'blob')).toBe('add blob: to the worker-src directive');
    expect(cspAdvice("script-src 'self'", 'blob')).toBe('add blob: to the worker-src directive (the policy has none, so script-src applies)');
  });

  it('names a CSP violation seen after the spawn', async () => {
    const page = new EventTarget();
    const watch = watchWorkerStart(undefined, page);
    page.dispatchEvent(Object.assign(new Event('securitypolicyviolation'), { effectiveDirective: 'worker-src', violatedDirective: "worker-src 'self'", blockedURI: 'blob' }));
    const error = await watch.explain();
    expect(error).toMatchObject({ code: 'WORKER_START_FAILED', details: { csp: true, directive: 'worker-src' } });
    expect(error.message).toMatch(/add blob: to the worker-src directive/);
  });

  it('names the script URL and its status when the factory gives it', async () => {
    const watch = watchWorkerStart('http://app.test/w.js', new EventTarget(), async () => new Response(null, { status: 404 }));
    expect(await watch.explain()).toMatchObject({ code: 'WORKER_START_FAILED', message: 'the runtime worker script http://app.test/w.js could not be loaded: HTTP 404', details: { status: 404 } });
  });
});
