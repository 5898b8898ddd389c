/**
 * Runs tasks on one model one at a time. onnxruntime-web sessions must not run concurrently
 * (WebGPU EP shares one command encoder per session), and a queue is where a batcher will
 * later merge waiting calls.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // One failed call must not fail the calls queued behind it.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
