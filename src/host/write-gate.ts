/**
 * Store writes that wait while a session is being built. A big download served before it is
 * stored (fetch-variant.ts) writes its chunks behind the load; a session build is the load's
 * memory peak (the model's bytes and the engine's copy of its weights), and writes beside it add
 * their own buffers in the worker and in the browser's IndexedDB: measured at 256 MB, a cold
 * peak of 2.5× the model with the writes running through the build, against 2.4× when the
 * store finished before it. So the writes pause while any session is built and go on after.
 */
export class WriteGate {
  private builds = 0;
  private open: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  /** Runs `build` with the writes paused (several builds at once: until the last one ends). */
  async during<T>(build: () => Promise<T>): Promise<T> {
    if (this.builds++ === 0) this.open = new Promise((resolve) => (this.release = resolve));
    try {
      return await build();
    } finally {
      if (--this.builds === 0) this.release();
    }
  }

  /** Resolves when no session is being built. */
  clear(): Promise<void> {
    return this.open;
  }
}
