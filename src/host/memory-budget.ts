/**
 * A run's memory, bounded before it starts. Out-of-memory inside a worker is not an error the
 * page can catch: in Chromium it takes the whole tab down. So an input whose run would need
 * more than the budget is refused with BAD_INPUT, and the worker never tries.
 *
 * The estimate is deliberately simple: the input's bytes times a working-set factor. A
 * convolutional or attention model keeps several activations alive per input element (feature
 * maps with more channels than the input, the engine's arena, the outputs), which is why the
 * default factor is well above 1; a model with unusual needs sets its own.
 *
 * The budget bounds each engine run, so it is checked twice: on each call as it arrives (host.ts:
 * a call over the budget fails at once, without waiting in the queue) and on the merged batch the
 * batcher is about to run (batcher.ts), which also fills batches only up to it.
 */
import { BadInputError } from '../errors.js';
import type { MemoryBudget, TensorMap } from '../protocol.js';

export const defaultMemoryBudget: Required<MemoryBudget> = { maxBytes: 1024 ** 3, bytesPerInputByte: 32 };

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(bytes < 1024 ** 2 ? 2 : 0)} MB`;

/** The bytes of a run's inputs: what the budget is reckoned from. */
export function inputBytes(inputs: TensorMap): number {
  let bytes = 0;
  for (const tensor of Object.values(inputs)) bytes += tensor.data.byteLength;
  return bytes;
}

/** The most input bytes one run may take under `budget` (the batcher fills batches up to it). */
export function maxInputBytes(budget: MemoryBudget | false | undefined): number {
  if (budget === false) return Infinity;
  return (budget?.maxBytes ?? defaultMemoryBudget.maxBytes) / (budget?.bytesPerInputByte ?? defaultMemoryBudget.bytesPerInputByte);
}

/** Throws BAD_INPUT when the run of `inputs` would need more than the budget; `false` turns it off. */
export function checkMemory(inputs: TensorMap, budget: MemoryBudget | false | undefined): void {
  if (budget === false) return;
  const maxBytes = budget?.maxBytes ?? defaultMemoryBudget.maxBytes;
  const factor = budget?.bytesPerInputByte ?? defaultMemoryBudget.bytesPerInputByte;
  const bytes = inputBytes(inputs);
  const estimated = bytes * factor;
  if (estimated <= maxBytes) return;
  throw new BadInputError(
    `these inputs (${mb(bytes)}) would need about ${mb(estimated)} to run (${factor} × the input bytes), over the runtime's memory budget of ${mb(maxBytes)}: ` +
      'send a smaller input (e.g. split a long text line or tile a large image), or raise createRuntime({ memoryBudget })',
    { inputBytes: bytes, estimatedBytes: estimated, budgetBytes: maxBytes },
  );
}
