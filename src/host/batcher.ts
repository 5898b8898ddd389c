/**
 * Micro-batching, as Triton's dynamic batcher: calls that wait on one model are merged into one
 * engine run (up to `maxBatchSize` rows, waiting at most `maxQueueDelayUs` for company), and
 * the outputs are split back per caller. With batching off it is a plain FIFO queue: one run at
 * a time per model, which onnxruntime-web's sessions need anyway. If a merged run fails, each
 * call is retried alone, so every caller gets its own result or its own error.
 *
 * The memory budget bounds what is run, so it bounds batches too: calls that each fit are
 * merged only while their sum fits, and the rest wait for the next batch. Splitting, not
 * refusing, is the choice: every caller did what was asked of it (its own call is within the
 * budget), so none of them should get an error for being merged with the others — a batch is
 * the runtime's optimisation, not the caller's request. A call that alone is over the budget is
 * refused with BAD_INPUT, as without batching. The merged inputs are checked once more right
 * before the run (what is run is what is checked); should that fail, the calls run alone.
 */
import { AbortedError } from '../errors.js';
import type { MemoryBudget, TensorMap } from '../protocol.js';
import { batchKey, batchRows, concatBatch, splitBatch } from './batch-tensors.js';
import { checkMemory, inputBytes, maxInputBytes } from './memory-budget.js';
import { nextTask } from './next-task.js';

export interface BatchPolicy {
  enabled: boolean;
  maxBatchSize: number;
  maxQueueDelayUs: number;
}

export interface CallStats {
  queueMs: number;
  computeMs: number;
  batchSize: number;
}

interface Job {
  inputs: TensorMap;
  rows: number;
  bytes: number;
  /** The runtime's memory budget; a batch is bounded by its first call's. */
  budget: MemoryBudget | false | undefined;
  key: string;
  callId: string | undefined;
  enqueuedAt: number;
  resolve: (value: { outputs: TensorMap; stats: CallStats }) => void;
  reject: (error: unknown) => void;
}

export type RunFn = (inputs: TensorMap) => Promise<TensorMap>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Batcher {
  private readonly queue: Job[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly run: RunFn,
    private readonly policy: BatchPolicy,
    private readonly onBatch: (size: number) => void = () => undefined,
  ) {}

  submit(inputs: TensorMap, callId?: string, budget?: MemoryBudget | false): Promise<{ outputs: TensorMap; stats: CallStats }> {
    return new Promise((resolve, reject) => {
      const job = { inputs, rows: batchRows(inputs), bytes: inputBytes(inputs), budget, key: batchKey(inputs), callId, enqueuedAt: performance.now(), resolve, reject };
      this.queue.push(job);
      void this.pump();
    });
  }

  /** Drops a call that has not started; its inputs are released with it. */
  cancel(callId: string, error: Error = new AbortedError('predict was aborted while queued')): boolean {
    const index = this.queue.findIndex((job) => job.callId === callId);
    if (index < 0) return false;
    const [job] = this.queue.splice(index, 1);
    job!.reject(error);
    return true;
  }

  /** Rejects every queued call (the model is going away). */
  rejectAll(error: Error): void {
    for (const job of this.queue.splice(0)) job.reject(error);
  }

  /** Resolves when the batch now running (if any) has finished. */
  async idle(): Promise<void> {
    await this.running;
  }

  /**
   * `afterRun`: an engine run just ended. Messages that arrived during it (new calls, `cancel`,
   * `metrics`) are still undelivered tasks in the worker's queue: a WASM run blocks the worker's
   * event loop, and the next queued predict would start its run the moment its message is
   * handled, before the `cancel` behind it. So after every run we yield one task while still
   * marked running: the calls that arrived are queued (not started), a call cancelled meanwhile
   * is dropped before it is computed, other requests are answered within one run's time, and
   * with batching on the calls that arrived join the next batch. The yield costs the caller
   * nothing: the finished call's reply is already posted when it starts.
   */
  private async pump(afterRun = false): Promise<void> {
    if (this.running) return;
    if (this.queue.length === 0 && !afterRun) return;
    let done!: () => void;
    this.running = new Promise((resolve) => (done = resolve));
    let ran = false;
    try {
      if (afterRun) await nextTask();
      if (this.policy.enabled && this.policy.maxQueueDelayUs > 0 && this.queue.length > 0 && !this.queueFull()) {
        await sleep(this.policy.maxQueueDelayUs / 1000);
      }
      const batch = this.take();
      ran = batch.length > 0;
      if (ran) await this.execute(batch);
    } finally {
      this.running = undefined;
      done();
      if (ran || this.queue.length > 0) void this.pump(ran);
    }
  }

  /** Enough waiting to fill a batch (rows or memory): waiting for company would gain nothing. */
  private queueFull(): boolean {
    const rows = this.queue.reduce((n, job) => n + job.rows, 0);
    const bytes = this.queue.reduce((n, job) => n + job.bytes, 0);
    return rows >= this.policy.maxBatchSize || bytes >= maxInputBytes(this.queue[0]?.budget);
  }

  /** The oldest call, then the oldest calls that fit with it (rows and memory), in arrival order. */
  private take(): Job[] {
    const first = this.queue.shift();
    if (!first) return [];
    const batch = [first];
    if (!this.policy.enabled) return batch;
    const maxBytes = maxInputBytes(first.budget);
    let rows = first.rows;
    let bytes = first.bytes;
    for (let i = 0; i < this.queue.length && rows < this.policy.maxBatchSize; ) {
      const job = this.queue[i]!;
      if (job.key === first.key && rows + job.rows <= this.policy.maxBatchSize && bytes + job.bytes <= maxBytes) {
        batch.push(job);
        rows += job.rows;
        bytes += job.bytes;
        this.queue.splice(i, 1);
      } else {
        i++;
      }
    }
    return batch;
  }

  private async execute(batch: Job[]): Promise<void> {
    const started = performance.now();
    if (batch.length > 1) {
      try {
        const inputs = concatBatch(batch.map((job) => job.inputs));
        checkMemory(inputs, batch[0]!.budget);
        const merged = await this.run(inputs);
        const parts = splitBatch(
          merged,
          batch.map((job) => job.rows),
        );
        const computeMs = performance.now() - started;
        this.onBatch(batch.length);
        batch.forEach((job, i) => job.resolve({ outputs: parts[i]!, stats: { queueMs: started - job.enqueuedAt, computeMs, batchSize: batch.length } }));
        return;
      } catch {
        // Fall through: one caller's bad rows must not fail the others.
      }
    }
    for (const job of batch) {
      const own = performance.now();
      this.onBatch(1);
      try {
        checkMemory(job.inputs, job.budget);
        const outputs = await this.run(job.inputs);
        job.resolve({ outputs, stats: { queueMs: started - job.enqueuedAt, computeMs: performance.now() - own, batchSize: 1 } });
      } catch (error) {
        job.reject(error);
      }
    }
  }
}
