import { describe, expect, it } from 'vitest';
import { WriteGate } from '../../src/host/write-gate.js';

describe('WriteGate', () => {
  it('holds writes while any build runs and lets them go when the last one ends', async () => {
    const gate = new WriteGate();
    const log: string[] = [];
    await gate.clear(); // open with no build
    let endFirst: () => void = () => undefined;
    let endSecond: () => void = () => undefined;
    const first = gate.during(() => new Promise<void>((resolve) => (endFirst = resolve)));
    const second = gate.during(() => new Promise<void>((resolve) => (endSecond = resolve)));
    const write = gate.clear().then(() => log.push('write'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    endFirst();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(log).toEqual([]);
    endSecond();
    await second;
    await write;
    expect(log).toEqual(['write']);
  });

  it('opens again when a build fails, and passes the failure on', async () => {
    const gate = new WriteGate();
    await expect(gate.during(() => Promise.reject(new Error('no session')))).rejects.toThrow('no session');
    await expect(gate.clear()).resolves.toBeUndefined();
  });
});
