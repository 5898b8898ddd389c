/**
 * The page's side of the shared-memory channel (shared-memory-channel.ts): a predict goes
 * through shared memory when the worker is parked waiting for one, and through postMessage
 * otherwise (worker busy, another shared call in flight, tensors too big for the buffer). The
 * page never blocks; it waits with `Atomics.waitAsync`.
 */
import { InferenceFailedError } from '../errors.js';
import { ChannelState, type ChannelView, SPILL_TAG, STATE, type SpillMessage } from '../shared-memory-channel.js';
import type { TensorMap } from '../protocol.js';

type WaitAsync = (typed: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };

/** As postMessage does to transferred inputs, so a caller sees the same either way. */
function detach(inputs: TensorMap): void {
  const seen = new Set<ArrayBufferLike>();
  for (const { data } of Object.values(inputs)) {
    const buffer = data.buffer as ArrayBuffer & { transfer?: () => ArrayBuffer; detached?: boolean };
    if (seen.has(buffer) || typeof buffer.transfer !== 'function' || buffer.detached) continue;
    seen.add(buffer);
    buffer.transfer();
  }
}

export class SharedPredict {
  private busy = false;
  private seq = 0;
  private readonly spills = new Map<number, (outputs: TensorMap) => void>();
  private readonly waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

  constructor(
    readonly view: ChannelView,
    worker: Pick<Worker, 'addEventListener'>,
  ) {
    worker.addEventListener('message', (event: MessageEvent) => {
      const data = event.data as Partial<SpillMessage> | null;
      if (typeof data !== 'object' || data === null || typeof data[SPILL_TAG] !== 'number' || !data.outputs) return;
      this.spills.get(data[SPILL_TAG])?.(data.outputs);
      this.spills.delete(data[SPILL_TAG]);
    });
  }

  /** Called after every message posted to the worker, before `ring`. */
  countPosted(): void {
    this.view.countPosted();
  }

  /** Called after every message posted to the worker: a parked worker must go and read it. */
  ring(): void {
    if (this.view.swap(ChannelState.Parked, ChannelState.Mail)) Atomics.notify(this.view.words, STATE);
  }

  /** The call through shared memory, or undefined when it must take postMessage. */
  tryPredict(handle: string, inputs: TensorMap): Promise<TensorMap> | undefined {
    if (this.busy || !this.view.fits(inputs) || !this.view.swap(ChannelState.Parked, ChannelState.Claimed)) return undefined;
    try {
      if (!this.view.write(inputs, { handle })) throw new RangeError('does not fit');
      detach(inputs);
    } catch {
      // Not written, or an input buffer that cannot be detached (WebAssembly memory): the buffer
      // goes back to the parked worker, and postMessage meets (and names) the same cause.
      this.view.signal(ChannelState.Parked);
      return undefined;
    }
    this.busy = true;
    this.seq = (this.seq + 1) | 0;
    this.view.seq = this.seq;
    const spilled = new Promise<TensorMap>((resolve) => this.spills.set(this.seq, resolve));
    detach(inputs);
    this.view.signal(ChannelState.Request);
    const seq = this.seq;
    return this.answer(seq, spilled).finally(() => {
      this.busy = false;
      this.spills.delete(seq);
    });
  }

  private async answer(seq: number, spilled: Promise<TensorMap>): Promise<TensorMap> {
    let state = this.view.state;
    while (state === ChannelState.Request || state === ChannelState.Claimed) {
      const wait = this.waitAsync(this.view.words, STATE, state);
      if (wait.async) await wait.value;
      state = this.view.state;
    }
    if (state === ChannelState.Spill) {
      this.view.signal(ChannelState.Awake);
      return spilled;
    }
    const { tensors, error } = this.view.read();
    this.view.signal(ChannelState.Awake);
    // Tagged error data, rebuilt into its class by the link (WorkerLink.run), as on the message path.
    if (state === ChannelState.Failed) throw error;
    if (state !== ChannelState.Done) throw new InferenceFailedError(`the shared-memory channel was left in state ${state} after call ${seq}`);
    return tensors;
  }
}
