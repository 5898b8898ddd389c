/// <reference lib="webworker" />
/**
 * Another Comlink user's worker, with its own unpatched Comlink: it knows nothing of edgeserve,
 * so its errors arrive in Comlink's own wire format.
 */
import { expose } from 'comlink';

expose({
  fail(): never {
    throw new RangeError('the neighbour failed on purpose');
  },
  echo: (value: string) => value,
});
