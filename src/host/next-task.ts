/**
 * Yielding one task in the worker: how the batcher lets messages in between runs, and how the
 * shared-memory channel's parking (parking.ts) takes an event-loop turn between waits.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface TaskScheduler {
  postTask(callback: () => void, options: { priority: 'background' }): Promise<void>;
}

/**
 * A plain MessageChannel message: the next task, not setTimeout(0), since chained timeouts are
 * clamped to 4 ms after a few levels of nesting.
 */
export function messageTurn(): Promise<void> {
  if (typeof MessageChannel !== 'function') return sleep(0).then(() => undefined);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}

/**
 * Behind every message already queued for the worker. Chromium keeps a worker's incoming
 * messages and its own MessageChannel/timer tasks in different queues with no order between
 * them (a MessageChannel yield was seen to run before the page's queued `cancel`s), so the
 * yield is a background-priority task: it runs only once no normal-priority task — a message
 * from the page — is waiting. Elsewhere (Node, older browsers): a MessageChannel message.
 */
export function nextTask(scheduler: TaskScheduler | undefined = (globalThis as { scheduler?: TaskScheduler }).scheduler): Promise<void> {
  if (typeof scheduler?.postTask === 'function') return scheduler.postTask(() => undefined, { priority: 'background' });
  return messageTurn();
}
