/**
 * The worker's side of the shared-memory channel (shared-memory-channel.ts). After a predict,
 * while the host has nothing else in flight, the worker waits for the next call in
 * `Atomics.wait` — a blocking wait that costs no CPU and that the page's `Atomics.notify` ends
 * at once — instead of sleeping in its event loop, where waking it goes through the browser's
 * task scheduler. Nothing else is starved:
 * - a message the page posts rings the channel (MAIL), and the worker goes back to its event
 *   loop to read it;
 * - each wait lasts at most `sliceMs`, then the worker takes one event-loop turn (its own
 *   timers and fetches), and parks again;
 * - parking stops `windowMs` after the last predict, and never starts while a load, upgrade or
 *   other work is in flight (`isIdle`).
 */
import { ChannelState, type ChannelView, SPILL_TAG, STATE, type SpillMessage } from '../shared-memory-channel.js';
import type { TensorMap } from '../protocol.js';
import { tensorBuffers } from '../protocol.js';
import { messageTurn, nextTask } from './next-task.js';

export interface ParkingOptions {
  /** Park this long after the last predict (ms): longer than the gap between an app's calls. */
  windowMs: number;
  /** The longest single wait (ms): how long the worker's own timers may wait meanwhile. */
  sliceMs: number;
}

export const defaultParking: ParkingOptions = { windowMs: 1000, sliceMs: 20 };

export interface ParkingDeps {
  serve: (handle: string, inputs: TensorMap) => Promise<TensorMap>;
  isIdle: () => boolean;
  /** Error data for the page (error-wire.ts tagging). */
  errorData: (error: unknown) => unknown;
  /** Posts outputs too big for the buffer to the page. */
  post: (message: SpillMessage, transfer: Transferable[]) => void;
  /** Calls `listener` for each message the worker receives from the page. */
  onMessage: (listener: () => void) => void;
}

export class Parking {
  private windowEnd = 0;
  private active = false;
  private scheduled = false;
  private received: number;

  constructor(
    private readonly view: ChannelView,
    private readonly deps: ParkingDeps,
    private readonly options: ParkingOptions = defaultParking,
    /** Messages already received when the channel starts: `init`, which carries it. */
    received = 1,
  ) {
    this.received = received;
    deps.onMessage(() => {
      this.received = (this.received + 1) | 0;
    });
  }

  /** A message the page posted is not read yet: it waits in the event loop, so no parking. */
  private unread(): boolean {
    return this.view.posted !== this.received;
  }

  /** A predict just ended: park for the window, after the tasks already queued (its reply is posted by then). */
  touch(): void {
    this.windowEnd = performance.now() + this.options.windowMs;
    this.schedule();
  }

  /**
   * Park again after one event-loop turn. After a call or a ring, behind the messages already
   * queued (a background task, next-task.ts); after an idle slice, nothing is queued from the page
   * (a message would have rung), and a background task can be deferred for a long time in an
   * idle worker, so the turn is a plain MessageChannel task.
   */
  private schedule(afterIdleSlice = false): void {
    // Not skipped while active: a call served from the wait loop schedules the next park before the loop returns.
    if (this.scheduled) return;
    this.scheduled = true;
    void (afterIdleSlice ? messageTurn() : nextTask()).then(() => {
      this.scheduled = false;
      void this.park();
    });
  }

  private async park(): Promise<void> {
    if (this.active || !this.deps.isIdle()) return;
    const words = this.view.words;
    this.active = true;
    try {
      for (;;) {
        const left = this.windowEnd - performance.now();
        const state = this.view.state;
        if (state === ChannelState.Awake) {
          if (left <= 0 || this.unread()) return;
          this.view.swap(ChannelState.Awake, ChannelState.Parked);
          continue;
        }
        if (state === ChannelState.Parked && this.unread()) {
          // Posted between the check above and the swap (its ring found the worker awake).
          if (this.view.swap(ChannelState.Parked, ChannelState.Awake)) {
            this.schedule();
            return;
          }
          continue;
        }
        if (state === ChannelState.Parked) {
          if (left > 0) Atomics.wait(words, STATE, ChannelState.Parked, Math.min(this.options.sliceMs, left));
          // Still parked: the wait timed out. Leave — unless the page claims at this very moment.
          if (this.view.state === ChannelState.Parked && this.view.swap(ChannelState.Parked, ChannelState.Awake)) {
            if (left > this.options.sliceMs) this.schedule(true);
            return;
          }
          continue;
        }
        if (state === ChannelState.Mail) {
          // A message waits in the event loop: go and read it, then park again.
          this.view.swap(ChannelState.Mail, ChannelState.Awake);
          this.schedule();
          return;
        }
        if (state === ChannelState.Request) {
          await this.serveOne();
          this.windowEnd = performance.now() + this.options.windowMs;
          // One event-loop turn after each call (messages that came during the run, the
          // batcher's yield), then park again.
          this.schedule();
          return;
        }
        // Claimed (the page is writing) or Done/Failed/Spill (the page is reading): short waits.
        Atomics.wait(words, STATE, state, this.options.sliceMs);
        if (this.view.state === state && state !== ChannelState.Claimed) return;
      }
    } finally {
      this.active = false;
    }
  }

  private async serveOne(): Promise<void> {
    const seq = this.view.seq;
    let outputs: TensorMap;
    try {
      const { tensors, handle } = this.view.read();
      outputs = await this.deps.serve(handle ?? '', tensors);
    } catch (error) {
      this.view.write({}, { error: this.deps.errorData(error) });
      this.view.signal(ChannelState.Failed);
      return;
    }
    if (this.view.write(outputs)) {
      this.view.signal(ChannelState.Done);
      return;
    }
    this.deps.post({ [SPILL_TAG]: seq, outputs }, tensorBuffers(outputs));
    this.view.signal(ChannelState.Spill);
  }
}
