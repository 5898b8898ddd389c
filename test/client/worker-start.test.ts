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

  const violation = () => Object.assign(new Event('securitypolicyviolation'), { effectiveDirective: 'worker-src', violatedDirective: "worker-src 'self'", blockedURI: 'blob' });

  it("waits for the violation event when it comes after the worker's error (a loaded machine: 200 ms later), and no longer", async () => {
    const page = new EventTarget();
    const watch = watchWorkerStart('http://app.test/w.js', page, async () => new Response('', { status: 200 }), 5000);
    const started = performance.now();
    const explained = watch.explain();
    setTimeout(() => page.dispatchEvent(violation()), 200);
    const error = await explained;
    expect(error).toMatchObject({ code: 'WORKER_START_FAILED', details: { csp: true, directive: 'worker-src' } });
    // Ended by the event, not by the fallback bound (5 s here).
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('gives up waiting for a violation after the bound and names the script instead', async () => {
    const page = new EventTarget();
    const watch = watchWorkerStart('http://app.test/w.js', page, async () => new Response(null, { status: 404 }), 100);
    const started = performance.now();
    expect(await watch.explain()).toMatchObject({ details: { status: 404 } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    page.dispatchEvent(violation());
  });

  it('names the script URL and its status when the factory gives it', async () => {
    const watch = watchWorkerStart('http://app.test/w.js', new EventTarget(), async () => new Response(null, { status: 404 }), 50);
    expect(await watch.explain()).toMatchObject({
      code: 'WORKER_START_FAILED',
      message: 'the runtime worker script http://app.test/w.js could not be loaded: HTTP 404',
      details: { status: 404 },
    });
  });
});
