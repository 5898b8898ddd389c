/**
 * Memory as Chromium reports it: performance.measureUserAgentSpecificMemory() (needs cross-origin
 * isolation). Without --enable-blink-features=ForceEagerMeasureMemory it waits for the next
 * garbage collection (up to 20 s), so the bench launches Chromium with that feature.
 */
import type { MemoryFigures } from '../lib/cell.js';

interface MemoryBreakdown {
  bytes: number;
  attribution: { scope?: string; url?: string }[];
  types: string[];
}
type MeasureMemory = () => Promise<{ bytes: number; breakdown: MemoryBreakdown[] }>;

/**
 * Gives up after `timeoutMs`: with ORT's threaded WASM running, the measurement waits for its
 * pthread workers, which sit in Atomics.wait and never answer, and Chromium ends it after ~60 s.
 */
export async function measureMemory(timeoutMs = 5000): Promise<MemoryFigures | undefined> {
  const measure = (performance as Performance & { measureUserAgentSpecificMemory?: MeasureMemory }).measureUserAgentSpecificMemory;
  if (!crossOriginIsolated || !measure) return undefined;
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), timeoutMs));
  const result = await Promise.race([measure.call(performance).catch(() => undefined), timeout]);
  if (!result) return undefined;
  let windowBytes = 0;
  let workerBytes = 0;
  for (const entry of result.breakdown) {
    const scopes = entry.attribution.map((a) => a.scope ?? '');
    if (scopes.some((s) => s === 'Window')) windowBytes += entry.bytes;
    else if (scopes.some((s) => s.includes('Worker'))) workerBytes += entry.bytes;
  }
  return { totalBytes: result.bytes, windowBytes, workerBytes };
}

/** Raw breakdown, to see how Chromium attributes the runtime's worker and ORT's threads. */
export async function measureMemoryRaw(): Promise<unknown> {
  const measure = (performance as Performance & { measureUserAgentSpecificMemory?: MeasureMemory }).measureUserAgentSpecificMemory;
  return measure ? measure.call(performance) : 'unavailable';
}
