/** Sampling the browser's RSS while something runs: its peak, and a steady level. */
import { median } from '../../src/stats.js';
import { browserTree } from './proc-rss.js';

const tree = browserTree();
const browserRss = () => tree.rss();

export interface RssWatch {
  /** Stops sampling; the highest sample seen (bytes), and how many samples were taken. */
  stop(): { peak: number; samples: number };
}

/** Samples every `everyMs` (~50 ms) until stopped. */
export function watchRss(everyMs = 50, read: () => number = () => browserRss()): RssWatch {
  let peak = read();
  let samples = 1;
  const timer = setInterval(() => {
    peak = Math.max(peak, read());
    samples++;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, read());
      return { peak, samples: samples + 1 };
    },
  };
}

/** A level, not a spike: the median of `n` samples `everyMs` apart. */
export async function steadyRss(n = 5, everyMs = 100, read: () => number = () => browserRss()): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    xs.push(read());
    if (i < n - 1) await new Promise((r) => setTimeout(r, everyMs));
  }
  return median(xs);
}
