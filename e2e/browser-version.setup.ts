/**
 * Global setup: print which Chromium runs the suite. Debian's `chromium` moves between
 * sessions (150 → 156 so far) and behaviour moves with it (IndexedDB's baseline size under a
 * quota, for one), so a red run must say which browser it ran on.
 */
import { chromium, type FullConfig } from '@playwright/test';

export default async function printBrowserVersion(config: FullConfig): Promise<void> {
  const launchOptions = config.projects[0]?.use.launchOptions ?? {};
  const browser = await chromium.launch({ ...launchOptions, args: launchOptions.args ?? [] });
  try {
    console.log(`e2e: Chromium ${browser.version()} (${launchOptions.executablePath ?? "Playwright's own build"})`);
  } finally {
    await browser.close();
  }
}
