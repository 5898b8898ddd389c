/**
 * Watches a worker while it loads a model. A load's length says nothing: a 1 GB download takes
 * minutes and a session creation seconds, and both are fine as long as the worker is alive. So
 * a load is watched for liveness, not duration: while one is in flight the page pings the
 * worker (`ping` is answered by its event loop), and a worker that leaves a ping unanswered for
 * `boundMs` is declared stuck — its event loop is blocked (a wedged session creation) and no
 * answer of any kind will come. A ping answered late only means a busy worker (a long
 * synchronous compile); the bound is for one that never answers.
 *
 * A hang that keeps the event loop free (a promise inside the engine that never settles) still
 * answers pings: that is the load's `timeoutMs` and `signal`, which end the wait on the page.
 */

export interface LoadWedged {
  /** The model whose load was in flight longest. */
  model: string;
  /** How long the worker has left a ping unanswered. */
  silentMs: number;
  boundMs: number;
}

export class LoadWatch {
  private readonly loads = new Map<symbol, string>();
  /** When the worker last showed it was alive: an answered ping, or the first load's start. */
  private lastAnswer = 0;
  private pingInFlight = false;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly ping: () => Promise<unknown>,
    private readonly onWedged: (wedged: LoadWedged) => void,
    private readonly boundMs: number,
    private readonly now: () => number = () => performance.now(),
    /** Often enough that a late ping is seen well within the bound, rare enough to cost nothing. */
    private readonly intervalMs: number = Math.min(1000, boundMs / 4),
  ) {}

  /** A load of `model` was posted; call the returned function when it settles. */
  begin(model: string): () => void {
    const key = Symbol(model);
    if (this.loads.size === 0) this.start();
    this.loads.set(key, model);
    return () => {
      if (this.loads.delete(key) && this.loads.size === 0) this.pause();
    };
  }

  /** Stops watching (the worker is gone or replaced). */
  stop(): void {
    this.loads.clear();
    this.pause();
  }

  private start(): void {
    this.lastAnswer = this.now();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  private pause(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const silentMs = this.now() - this.lastAnswer;
    if (silentMs >= this.boundMs) {
      const model = this.loads.values().next().value ?? '';
      this.stop();
      this.onWedged({ model, silentMs: Math.round(silentMs), boundMs: Math.round(this.boundMs) });
      return;
    }
    if (this.pingInFlight) return;
    this.pingInFlight = true;
    this.ping().then(
      () => {
        this.pingInFlight = false;
        this.lastAnswer = this.now();
      },
      () => {
        // A rejected ping is the worker going away, which the link reports on its own.
        this.pingInFlight = false;
      },
    );
  }
}
