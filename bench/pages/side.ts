/**
 * A "side" is one way of running a model in the page: edgeserve (page → worker → engine →
 * page) or a bare engine called directly. Both answer `once()` with the time of the call alone,
 * so input copies (edgeserve detaches what it is given) stay outside the timing.
 */
import type { TensorMap } from '../../src/index.js';
import type { SideInfo, StartFigures } from '../lib/cell.js';

export interface Side {
  info: SideInfo;
  once(): Promise<number>;
  dispose(): Promise<void>;
}

export interface Started<S extends Side = Side> {
  side: S;
  start: StartFigures;
}

export function cloneInputs(inputs: TensorMap): TensorMap {
  const out: TensorMap = {};
  for (const [name, t] of Object.entries(inputs)) out[name] = { dtype: t.dtype, dims: [...t.dims], data: t.data.slice() };
  return out;
}

/**
 * WASM threads for a bench backend, as edgeserve picks them by default when isolated. WebGPU
 * cells use one: the WASM side only runs CPU-assigned shape ops there, and without ORT's pthread
 * workers (which never answer it) measureUserAgentSpecificMemory() works.
 */
export function threadsFor(backend: string): number {
  return backend === 'wasm-threaded' ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Alternates the sides call by call (ABC CBA …) so load drift and order effects hit all alike.
 * A short pause between calls lets the previous engine's thread pool stop spin-waiting (ORT's
 * workers spin after a run), so one side's idle threads do not steal the cores from another.
 */
export async function alternateAll(sides: Side[], warmup: number, n: number, gapMs = 10): Promise<number[][]> {
  const timed = async (side: Side) => {
    await pause(gapMs);
    return side.once();
  };
  for (let i = 0; i < warmup; i++) for (const side of sides) await timed(side);
  const out = sides.map(() => [] as number[]);
  for (let i = 0; i < n; i++) {
    const order = sides.map((_, k) => (i % 2 === 0 ? k : sides.length - 1 - k));
    for (const k of order) out[k]!.push(await timed(sides[k]!));
  }
  return out;
}

export async function alternate(a: Side, b: Side, warmup: number, n: number, gapMs = 10): Promise<{ a: number[]; b: number[] }> {
  const [x, y] = await alternateAll([a, b], warmup, n, gapMs);
  return { a: x!, b: y! };
}
