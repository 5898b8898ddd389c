/** Which host a runtime uses and why (the mode rule), the shared host's name, and the generation after stuck hosts. */
import type { Remote } from 'comlink';
import { describe, expect, it, vi } from 'vitest';
import { chooseHost, chooseStarter, liveGeneration, SHARED_HOST_START_MS, sharedHostBase, type HostChoiceInputs } from '../../src/client/shared-host-link.js';
import { HostFallback, type StartedHost } from '../../src/client/worker-link.js';
import type { WorkerApi, WorkerInit } from '../../src/protocol.js';
import { sharedHostName, stuckMarker } from '../../src/shared-host-protocol.js';

const factory = Object.assign(() => ({}) as SharedWorker, {});
const inputs = (over: Partial<HostChoiceInputs> = {}): HostChoiceInputs => ({
  option: 'auto',
  sharedFactory: factory,
  customWorker: false,
  crossOriginIsolated: false,
  sharedWorkerExists: true,
  ...over,
});

describe('chooseHost', () => {
  it("'auto' shares where the page is not cross-origin isolated (no threads to lose)", () => {
    expect(chooseHost(inputs())).toMatchObject({ host: 'shared', reason: expect.stringMatching(/one thread/) });
  });

  it("'auto' keeps the page's own worker on a cross-origin isolated page, or with the app's own worker", () => {
    expect(chooseHost(inputs({ crossOriginIsolated: true }))).toMatchObject({ host: 'page', reason: expect.stringMatching(/cross-origin isolated/) });
    expect(chooseHost(inputs({ customWorker: true }))).toMatchObject({ host: 'page', reason: expect.stringMatching(/workerFactory/) });
  });

  it("'shared' is kept on an isolated page, and falls back where it cannot run", () => {
    expect(chooseHost(inputs({ option: 'shared', crossOriginIsolated: true })).host).toBe('shared');
    expect(chooseHost(inputs({ option: 'shared', sharedWorkerExists: false }))).toMatchObject({ host: 'page', reason: expect.stringMatching(/SharedWorker is not available/) });
    expect(chooseHost(inputs({ option: 'shared', sharedFactory: undefined }))).toMatchObject({ host: 'page', reason: expect.stringMatching(/no shared host script/) });
    expect(chooseHost(inputs({ option: 'page' }))).toMatchObject({ host: 'page', reason: expect.stringMatching(/'page' was asked/) });
  });
});

describe('the shared host name', () => {
  const init = { manifestUrl: 'https://app.example/models/manifest.json', storeName: 'edgeserve' };

  it('is one per store and configuration, whatever the order of its keys', () => {
    expect(sharedHostBase(init)).toBe(sharedHostBase({ storeName: 'edgeserve', manifestUrl: init.manifestUrl }));
    expect(sharedHostBase(init)).toMatch(/^edgeserve-shared:edgeserve:[0-9a-f]{8}$/);
    expect(sharedHostBase({ ...init, deviceId: 'user-1' })).not.toBe(sharedHostBase(init));
    expect(sharedHostBase({ ...init, memoryBudget: false })).not.toBe(sharedHostBase(init));
    expect(sharedHostBase({ ...init, storeName: 'other' })).not.toBe(sharedHostBase(init));
  });

  it('starts after every generation a page marked stuck', async () => {
    const base = sharedHostBase(init);
    expect(await liveGeneration(base, async () => new Set())).toBe(0);
    const marked = new Set([stuckMarker(sharedHostName(base, 0)), stuckMarker(sharedHostName(base, 1))]);
    expect(await liveGeneration(base, async () => marked)).toBe(2);
  });
});

describe('a shared host that never answers', () => {
  it('falls back to the page worker after SHARED_HOST_START_MS, and says why', async () => {
    vi.useFakeTimers();
    try {
      const silentWorker = { port: { postMessage: () => undefined }, addEventListener: () => undefined } as unknown as SharedWorker;
      const spawn = Object.assign(() => silentWorker, {});
      const init = { manifestUrl: '/m.json', storeName: 's' } as WorkerInit;
      const page = { start: () => ({}) as StartedHost };
      const starter = chooseStarter({ host: 'shared', reason: 'test' }, { spawn, init }, page);
      const started = starter.start();
      const api = { init: () => new Promise(() => undefined) } as unknown as Remote<WorkerApi>;
      const ready = started.ready(api, init);
      const outcome = ready.then(
        () => 'answered',
        (error: unknown) => error,
      );
      await vi.advanceTimersByTimeAsync(SHARED_HOST_START_MS - 1);
      expect(starter.report.host).toBe('shared');
      await vi.advanceTimersByTimeAsync(1);
      expect(await outcome).toBeInstanceOf(HostFallback);
      expect(starter.report).toMatchObject({ host: 'page', reason: expect.stringContaining('no answer within 20 s') });
      started.end(new HostFallback('test'));
    } finally {
      vi.useRealTimers();
    }
  });
});
