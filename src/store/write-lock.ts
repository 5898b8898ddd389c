/**
 * A Web Lock held for the whole of a chunked write (first chunk to record), so chunks without
 * a record are told apart: an orphan (a tab closed or failed mid-download, and its lock went
 * with it) or another tab's write in progress. Only orphans are swept, and the sweep holds the
 * same lock while it deletes, so it never races a write that starts meanwhile.
 */
interface LocksLike {
  request(name: string, options: { mode: 'exclusive'; ifAvailable?: boolean }, callback: (lock: unknown) => Promise<unknown> | unknown): Promise<unknown>;
}

const locks = (): LocksLike | undefined => (globalThis.navigator as { locks?: LocksLike } | undefined)?.locks;

export const writeLockName = (dbName: string, entryKey: string) => `edgeserve-store-write:${dbName}:${entryKey}`;

/** Holds `name` until the returned release is called; resolves once it is held (at once without Web Locks). */
export async function holdWriteLock(name: string): Promise<() => void> {
  const manager = locks();
  if (!manager) return () => undefined;
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  await new Promise<void>((granted, refused) => {
    manager.request(name, { mode: 'exclusive' }, () => (granted(), held)).catch(refused);
  });
  return release;
}

/**
 * Runs `work` holding `name` if no one holds it now; else does nothing and returns false.
 * Without Web Locks there is no other tab to race, so `work` runs.
 */
export async function unlessWriting(name: string, work: () => Promise<void>): Promise<boolean> {
  const manager = locks();
  if (!manager) {
    await work();
    return true;
  }
  let ran = false;
  await manager.request(name, { mode: 'exclusive', ifAvailable: true }, async (lock) => {
    if (lock === null) return;
    await work();
    ran = true;
  });
  return ran;
}
