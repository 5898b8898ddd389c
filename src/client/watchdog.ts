/**
 * Notices a wedged worker. A worker stuck in an engine run (a busy loop, a pathological input)
 * cannot tell anyone: its event loop never turns again. So the page watches from outside:
 * while predicts are on the wire, the worker must answer one of them within a bound, or it is
 * declared stuck. Each answer is progress; queued calls behind a long run therefore wait one
 * run's time at most, not the whole queue's.
 *
 * The bound is per model: `runMultiple` times the slowest run this page has seen from that
 * model (a model's own speed on this device: a 1 ms VAD and a 6 s SwiftShader run need
 * different patience), never below `floorMs` (the first run, with no measurement yet, includes
 * warm-up such as WebGPU shader compilation).
 */

export interface WatchdogOptions {
  /** The least time a run may take before the worker is declared stuck; default 60 000 ms. */
  floorMs?: number;
  /** How many times its slowest seen run a model may take; default 20. */
  runMultiple?: number;
}

export interface Wedged {
  /** The model whose call waited longest without any answer. */
  model: string;
  waitedMs: number;
  boundMs: number;
}

interface Watch {
  model: string;
  sentAt: number;
}

const defaultWatchdog: Required<WatchdogOptions> = { floorMs: 60_000, runMultiple: 20 };

export class Watchdog {
  private readonly watches = new Set<Watch>();
  private readonly slowest = new Map<string, number>();
  private lastProgress = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly floorMs: number;
  private readonly runMultiple: number;

  constructor(
    private readonly onWedged: (wedged: Wedged) => void,
    options: WatchdogOptions = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.floorMs = options.floorMs ?? defaultWatchdog.floorMs;
    this.runMultiple = options.runMultiple ?? defaultWatchdog.runMultiple;
  }

  /** A predict for `model` was just posted; call the returned function when its answer arrives. */
  begin(model: string): () => void {
    const watch: Watch = { model, sentAt: this.now() };
    if (this.watches.size === 0) this.lastProgress = watch.sentAt;
    this.watches.add(watch);
    this.arm();
    return () => this.end(watch);
  }

  /** Stops watching (the worker is gone or replaced). */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.watches.clear();
  }

  /** The bound that applies to `model` now. */
  boundFor(model: string): number {
    const run = this.slowest.get(model);
    return run === undefined ? this.floorMs : Math.max(this.floorMs, this.runMultiple * run);
  }

  private end(watch: Watch): void {
    if (!this.watches.delete(watch)) return;
    const at = this.now();
    // A queued call's own run started when the answer before it arrived, not when it was sent.
    const run = at - Math.max(watch.sentAt, this.lastProgress);
    if (run > (this.slowest.get(watch.model) ?? -1)) this.slowest.set(watch.model, run);
    this.lastProgress = at;
  }

  /** The longest bound among the calls on the wire: they all wait on the same worker. */
  private bound(): { model: string; boundMs: number } {
    let worst = { model: '', boundMs: 0 };
    for (const { model } of this.watches) {
      const boundMs = this.boundFor(model);
      if (boundMs > worst.boundMs) worst = { model, boundMs };
    }
    return worst;
  }

  /**
   * One timer at a time, not one per call: when it fires early (answers came meanwhile) it is
   * set again for the rest, so a busy stream of calls costs no timer churn.
   */
  private arm(): void {
    if (this.timer !== undefined || this.watches.size === 0) return;
    const { boundMs } = this.bound();
    this.timer = setTimeout(() => this.check(), Math.max(0, this.lastProgress + boundMs - this.now()));
  }

  private check(): void {
    this.timer = undefined;
    if (this.watches.size === 0) return;
    const { model, boundMs } = this.bound();
    const waitedMs = this.now() - this.lastProgress;
    if (waitedMs < boundMs) return this.arm();
    this.stop();
    this.onWedged({ model, waitedMs: Math.round(waitedMs), boundMs: Math.round(boundMs) });
  }
}
