/**
 * The shared-memory predict channel between the page and a runtime worker (cross-origin
 * isolated pages only). Why it exists: on a small model the run is ~1 ms, and two postMessage
 * hops to and from a worker that sleeps in its event loop cost a large share of that (both
 * threads must be woken through the browser's task scheduler; with onnxruntime's thread pool in
 * the worker, much more). A worker that waits in `Atomics.wait` instead is woken by the page's
 * `Atomics.notify` directly. The page never blocks: it waits with `Atomics.waitAsync`.
 *
 * One request at a time. The state word says who owns the buffer:
 *   AWAKE   worker in its event loop; the page uses postMessage
 *   PARKED  worker blocked in Atomics.wait; the page may claim (PARKED → CLAIMED, atomically)
 *   CLAIMED page writing a request        → REQUEST when written (page notifies)
 *   REQUEST worker serving it             → DONE / FAILED / SPILL (worker notifies)
 *   DONE    outputs in the buffer; FAILED: error data in it; SPILL: outputs too big for the
 *           buffer, sent as a message instead. The page reads, then hands back: → AWAKE.
 *   MAIL    the page posted a message while the worker was parked: it must go back to its
 *           event loop to read it (set by the page from PARKED only).
 * The page also counts the messages it has posted and the worker those it has received: a
 * worker with unread messages never parks, so none waits behind a parked worker.
 * Only the worker sets PARKED, and only while it is in its wait loop; it leaves PARKED by a
 * compare-exchange, so a claim racing with its leaving is never lost.
 */
import type { TensorDtype } from './manifest/schema.js';
import type { TensorData, TensorMap } from './protocol.js';

const align8 = (n: number) => (n + 7) & ~7;

export const ChannelState = {
  Awake: 0,
  Parked: 1,
  Claimed: 2,
  Request: 3,
  Done: 4,
  Failed: 5,
  Spill: 6,
  Mail: 7,
} as const;
export type ChannelState = (typeof ChannelState)[keyof typeof ChannelState];

/** Int32 slots of the header. */
export const STATE = 0;
const SEQ = 1;
const META_BYTES = 2;
/** Messages the page has posted to the worker: the worker parks only when it has read them all. */
const POSTED = 3;
const HEADER_BYTES = 64;
/** Names, dtypes, dims and offsets as JSON (or an error's data): a few tensors need far less. */
const META_REGION = 8192;
const DATA_START = HEADER_BYTES + META_REGION;

/** Default buffer: small models' inputs and outputs fit; larger calls take postMessage. */
export const CHANNEL_BYTES = 1 << 20;

/** The message a worker posts for outputs that did not fit the buffer. */
export const SPILL_TAG = 'edgeserve.spill';
export interface SpillMessage {
  [SPILL_TAG]: number;
  outputs: TensorMap;
}

type ArrayType = { new (buffer: ArrayBufferLike, offset: number, length: number): TensorData; BYTES_PER_ELEMENT: number };

/**
 * Every typed array, by name: a tensor is rebuilt with the array type it was sent with, not the
 * one its dtype implies, so a mismatch (float32 data in an Int32Array) still reaches the
 * worker's input check as it would by postMessage.
 */
const ARRAY_TYPES: Readonly<Record<string, ArrayType>> = Object.fromEntries(
  [
    'Float32Array',
    'Float64Array',
    'Int8Array',
    'Uint8Array',
    'Uint8ClampedArray',
    'Int16Array',
    'Uint16Array',
    'Int32Array',
    'Uint32Array',
    'BigInt64Array',
    'BigUint64Array',
    'Float16Array',
  ]
    .map((name) => [name, (globalThis as unknown as Record<string, ArrayType | undefined>)[name]] as const)
    .filter((entry): entry is readonly [string, ArrayType] => typeof entry[1] === 'function'),
);

interface TensorMeta {
  name: string;
  dtype: TensorDtype;
  /** The typed array's constructor name. */
  array: string;
  dims: number[];
  offset: number;
  length: number;
}

interface Meta {
  /** Request: the model handle. Failed: the error data. */
  handle?: string;
  error?: unknown;
  tensors: TensorMeta[];
}

export class ChannelView {
  readonly words: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.bytes = new Uint8Array(buffer);
  }

  get state(): ChannelState {
    return Atomics.load(this.words, STATE) as ChannelState;
  }

  /** Sets the state and wakes whoever waits on it. */
  signal(state: ChannelState): void {
    Atomics.store(this.words, STATE, state);
    Atomics.notify(this.words, STATE);
  }

  /** Moves `from` → `to` only if the state is `from`; true when it did. */
  swap(from: ChannelState, to: ChannelState): boolean {
    return Atomics.compareExchange(this.words, STATE, from, to) === from;
  }

  /** Page: one more message is on its way to the worker. */
  countPosted(): void {
    Atomics.add(this.words, POSTED, 1);
  }

  get posted(): number {
    return Atomics.load(this.words, POSTED);
  }

  get seq(): number {
    return Atomics.load(this.words, SEQ);
  }

  set seq(value: number) {
    Atomics.store(this.words, SEQ, value);
  }

  /** Whether these tensors fit after the header and the meta region, as typed arrays this channel can rebuild. */
  fits(tensors: TensorMap): boolean {
    let n = DATA_START;
    for (const t of Object.values(tensors)) {
      if (!ARRAY_TYPES[t.data.constructor.name]) return false;
      n = align8(n + t.data.byteLength);
    }
    return n <= this.buffer.byteLength;
  }

  /** Writes tensors (and a handle or error) into the buffer; false if they do not fit. */
  write(tensors: TensorMap, extra: Omit<Meta, 'tensors'> = {}): boolean {
    if (!this.fits(tensors)) return false;
    const metas: TensorMeta[] = [];
    let offset = DATA_START;
    for (const [name, t] of Object.entries(tensors)) {
      this.bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), offset);
      metas.push({ name, dtype: t.dtype, array: t.data.constructor.name, dims: [...t.dims], offset, length: t.data.length });
      offset = align8(offset + t.data.byteLength);
    }
    const meta = new TextEncoder().encode(JSON.stringify({ ...extra, tensors: metas } satisfies Meta));
    if (meta.byteLength > META_REGION) return false;
    this.bytes.set(meta, HEADER_BYTES);
    Atomics.store(this.words, META_BYTES, meta.byteLength);
    return true;
  }

  /** Reads what `write` wrote: each tensor copied out into its own (unshared) buffer. */
  read(): { tensors: TensorMap; handle?: string; error?: unknown } {
    const length = Atomics.load(this.words, META_BYTES);
    // TextDecoder refuses views of shared memory: copy the meta out first.
    const meta = JSON.parse(new TextDecoder().decode(this.bytes.slice(HEADER_BYTES, HEADER_BYTES + length))) as Meta;
    const tensors: TensorMap = {};
    for (const t of meta.tensors) {
      const Type = ARRAY_TYPES[t.array];
      if (!Type) throw new TypeError(`shared-memory channel: no typed array named ${t.array}`);
      tensors[t.name] = { dtype: t.dtype, dims: t.dims, data: new Type(this.buffer, t.offset, t.length).slice() };
    }
    return { tensors, ...(meta.handle !== undefined ? { handle: meta.handle } : {}), ...(meta.error !== undefined ? { error: meta.error } : {}) };
  }
}

/** Shared memory and a way for the page to wait on it without blocking: cross-origin isolated pages. */
export function sharedChannelAvailable(): boolean {
  return (
    typeof SharedArrayBuffer === 'function' &&
    (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true &&
    typeof (Atomics as { waitAsync?: unknown }).waitAsync === 'function'
  );
}
