import { describe, expect, it } from 'vitest';
import type { DetectedCapabilities } from '../../src/capabilities.js';
import { planBackends } from '../../src/host/backend-resolver.js';

const caps = (over: Partial<DetectedCapabilities>): DetectedCapabilities => ({
  webgpu: true,
  softwareAdapter: false,
  wasmSimd: true,
  wasmThreads: true,
  hardwareConcurrency: 8,
  ...over,
});

describe('planBackends', () => {
  it('tries a hardware WebGPU adapter first, WASM second; on auto, measures both', () => {
    expect(planBackends('auto', caps({}))).toEqual({ order: ['webgpu', 'wasm'], measure: true });
    expect(planBackends('webgpu', caps({}))).toEqual({ order: ['webgpu', 'wasm'] });
  });

  it('on auto, skips a software adapter and says why', () => {
    const plan = planBackends('auto', caps({ softwareAdapter: true, adapter: 'google swiftshader' }));
    expect(plan.order).toEqual(['wasm']);
    expect(plan.skippedWebgpu).toMatch(/software.*swiftshader/);
  });

  it('still honours an explicit webgpu on a software adapter', () => {
    expect(planBackends('webgpu', caps({ softwareAdapter: true })).order).toEqual(['webgpu', 'wasm']);
  });

  it('falls back to WASM without WebGPU, with the reason', () => {
    expect(planBackends('webgpu', caps({ webgpu: false, webgpuReason: 'navigator.gpu is missing' }))).toEqual({
      order: ['wasm'],
      skippedWebgpu: 'navigator.gpu is missing',
    });
    expect(planBackends('wasm', caps({}))).toEqual({ order: ['wasm'] });
  });
});
