import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Watchdog, type Wedged } from '../../src/client/watchdog.js';

describe('Watchdog', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const clock = () => Date.now();

  it('declares the worker stuck when a pending call gets no answer within the floor', () => {
    const wedged: Wedged[] = [];
    const dog = new Watchdog((w) => wedged.push(w), { floorMs: 1000, runMultiple: 10 }, clock);
    dog.begin('vad');
    vi.advanceTimersByTime(999);
    expect(wedged).toEqual([]);
    vi.advanceTimersByTime(2);
    expect(wedged).toEqual([{ model: 'vad', waitedMs: 1000, boundMs: 1000 }]);
  });

  it('counts each answer as progress, so a long queue of quick runs is never stuck', () => {
    const wedged: Wedged[] = [];
    const dog = new Watchdog((w) => wedged.push(w), { floorMs: 1000, runMultiple: 10 }, clock);
    const ends = Array.from({ length: 50 }, () => dog.begin('cls'));
    for (const end of ends) {
      vi.advanceTimersByTime(300);
      end();
    }
    vi.advanceTimersByTime(5000);
    expect(wedged).toEqual([]);
  });

  it('gives a slow model its own multiple of its slowest run, above the floor', () => {
    const wedged: Wedged[] = [];
    const dog = new Watchdog((w) => wedged.push(w), { floorMs: 1000, runMultiple: 10 }, clock);
    const first = dog.begin('rec');
    vi.advanceTimersByTime(500);
    first();
    expect(dog.boundFor('rec')).toBe(5000);
    dog.begin('rec');
    vi.advanceTimersByTime(4999);
    expect(wedged).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(wedged).toEqual([{ model: 'rec', waitedMs: 5000, boundMs: 5000 }]);
  });

  it('is quiet with nothing pending, and after stop()', () => {
    const wedged: Wedged[] = [];
    const dog = new Watchdog((w) => wedged.push(w), { floorMs: 100 }, clock);
    dog.begin('a')();
    vi.advanceTimersByTime(1000);
    dog.begin('a');
    dog.stop();
    vi.advanceTimersByTime(1000);
    expect(wedged).toEqual([]);
  });
});
