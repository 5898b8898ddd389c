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

  it('gives a slow model its own multiple of its slowest warm run, above the warm floor', () => {
    const wedged: Wedged[] = [];
    const dog = new Watchdog((w) => wedged.push(w), { floorMs: 1000, runMultiple: 10 }, clock);
    const warmUp = dog.begin('rec');
    vi.advanceTimersByTime(700);
    warmUp();
    const warm = dog.begin('rec');
    vi.advanceTimersByTime(500);
    warm();
    expect(dog.boundFor('rec')).toBe(5000);
    dog.begin('rec');
    vi.advanceTimersByTime(4999);
    expect(wedged).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(wedged).toEqual([{ model: 'rec', waitedMs: 5000, boundMs: 5000 }]);
  });

  it("by default, catches a worker stuck after a model's warm-up within 10 s (the 60 s floor is for the first run)", () => {
    const wedged: Wedged[] = [];
    const dog = new Watchdog((w) => wedged.push(w), {}, clock);
    expect(dog.boundFor('cls')).toBe(60_000);
    const warmUp = dog.begin('cls');
    vi.advanceTimersByTime(300);
    warmUp();
    dog.begin('cls');
    vi.advanceTimersByTime(10_000);
    expect(wedged).toEqual([{ model: 'cls', waitedMs: 5000, boundMs: 5000 }]);
  });

  it('leaves the warm-up out of the history: a 20 s shader compilation does not keep the bound at minutes', () => {
    const dog = new Watchdog(() => undefined, {}, clock);
    const warmUp = dog.begin('det');
    vi.advanceTimersByTime(20_000);
    warmUp();
    // Until a warm run is seen, the warm-up's own time stands in.
    expect(dog.boundFor('det')).toBe(20_000);
    const warm = dog.begin('det');
    vi.advanceTimersByTime(100);
    warm();
    expect(dog.boundFor('det')).toBe(5000);
    const slower = dog.begin('det');
    vi.advanceTimersByTime(400);
    slower();
    expect(dog.boundFor('det')).toBe(8000);
  });

  it('never sets the warm floor above the first-run floor, and takes warmFloorMs from the options', () => {
    const short = new Watchdog(() => undefined, { floorMs: 1000 }, clock);
    short.begin('a')();
    expect(short.boundFor('a')).toBe(1000);
    const custom = new Watchdog(() => undefined, { warmFloorMs: 2000 }, clock);
    custom.begin('a')();
    expect(custom.boundFor('a')).toBe(2000);
    expect(custom.boundFor('b')).toBe(60_000);
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
