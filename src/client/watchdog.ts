/**
 * Notices a wedged worker. A worker stuck in an engine run (a busy loop, a pathological input)
 * cannot tell anyone: its event loop never turns again. So the page watches from outside:
 * while predicts are on the wire, the worker must answer one of them within a bound, or it is
 * declared stuck. Each answer is progress; queued calls behind a long run therefore wait one
 * run's time at most, not the whole queue's.
 *
 * The bound is per model and comes from the model's own history on this worker:
 * - before its first run has answered: `floorMs` (default 60 s). The first run includes
 *   warm-up — WebGPU shader compilation, WASM's first allocations — which nothing predicts;
 * - after it (the model is warm): `runMultiple` × its slowest warm run, never below
 *   `warmFloorMs` (default 5 s). The warm-up run itself is left out of that history, or one
 *   20 s shader compilation would keep the bound at minutes for good. Until a warm run has been
 *   seen, the warm-up run's own time stands in (a warm run is not slower than warm-up + run).
 * So a worker stuck after a model's warm-up is replaced within `warmFloorMs` (plus a timer's
 * slack) for any model whose warm runs take under warmFloorMs / runMultiple (250 ms by default),
 * and within `runMultiple` × its slowest warm run for slower ones.
 * A new worker starts with no history: its models warm up again, under `floorMs`.
 */

export interface WatchdogOptions {
  /** How long a model's first run on a worker (warm-up included) may take before the worker is declared stuck; default 60 000 ms. */
  floorMs?: number;
  /** After a model's first run, the least time a run may take before the worker is declared stuck; default 5 000 ms (at most `floorMs`). */
  warmFloorMs?: number;
  /** How many times its slowest warm run a model may take; default 20. */
  runMultiple?: number;
  /**
   * While a load is in flight, how long the worker may leave a ping unanswered; default 300 000 ms.
   * Generous on purpose: onnxruntime-web builds a session synchronously on the worker's thread
   * (tens of seconds for a gigabyte model on a slow device, no ping answered meanwhile), and a
   * load killed for it would fail every time.
   */
  loadFloorMs?: number;
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

const defaultWatchdog: Required<WatchdogOptions> = { floorMs: 60_000, warmFloorMs: 5_000, runMultiple: 20, loadFloorMs: 300_000 };

interface History {
  /** The first run's time (warm-up included). */
  warmUpMs: number;
  /** The slowest run after it, once there is one. */
  slowestWarmMs?: number;
}

export class Watchdog {
  private readonly watches = new Set<Watch>();
  private readonly history = new Map<string, History>();
  private lastProgress = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dueAt = 0;
  /** The first-run bound. */
  readonly floorMs: number;
  /** A loading worker's bound for an unanswered ping (load-watch.ts). */
  readonly loadFloorMs: number;
  private readonly warmFloorMs: number;
  private readonly runMultiple: number;

  constructor(
    private readonly onWedged: (wedged: Wedged) => void,
    options: WatchdogOptions = {},
    private readonly now: () => number = () => performance.now(),
  ) {
    this.floorMs = options.floorMs ?? defaultWatchdog.floorMs;
    this.warmFloorMs = Math.min(options.warmFloorMs ?? defaultWatchdog.warmFloorMs, this.floorMs);
    this.runMultiple = options.runMultiple ?? defaultWatchdog.runMultiple;
    this.loadFloorMs = options.loadFloorMs ?? defaultWatchdog.loadFloorMs;
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
    const seen = this.history.get(model);
    if (seen === undefined) return this.floorMs;
    const known = seen.slowestWarmMs === undefined ? seen.warmUpMs : this.runMultiple * seen.slowestWarmMs;
    return Math.max(this.warmFloorMs, known);
  }

  private end(watch: Watch): void {
    if (!this.watches.delete(watch)) return;
    const at = this.now();
    // A queued call's own run started when the answer before it arrived, not when it was sent.
    const run = at - Math.max(watch.sentAt, this.lastProgress);
    const seen = this.history.get(watch.model);
    if (seen === undefined) this.history.set(watch.model, { warmUpMs: run });
    else if (run > (seen.slowestWarmMs ?? -1)) seen.slowestWarmMs = run;
    this.lastProgress = at;
    this.arm();
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
    if (this.watches.size === 0) return;
    const dueAt = this.lastProgress + this.bound().boundMs;
    // Set again only when due sooner: a model's first answer shrinks its bound from floorMs.
    if (this.timer !== undefined) {
      if (dueAt >= this.dueAt) return;
      clearTimeout(this.timer);
    }
    this.dueAt = dueAt;
    this.timer = setTimeout(() => this.check(), Math.max(0, dueAt - this.now()));
  }

  private check(): void {
    this.timer = undefined;
    if (this.watches.size === 0) return;
    const { model, boundMs } = this.bound();
    const waitedMs = this.now() - this.lastProgress;
    if (waitedMs < boundMs) {
      this.arm();
      return;
    }
    this.stop();
    this.onWedged({ model, waitedMs: Math.round(waitedMs), boundMs: Math.round(boundMs) });
  }
}
