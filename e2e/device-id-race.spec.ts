/**
 * Two first-visit tabs make the device's identity at the same moment: each reads "no id yet"
 * and makes one. Unless the read and the write are one transaction, each tab keeps its own id
 * for this session while the store keeps only the last one written — so a tab's rollout cohort
 * flips on the next visit. Here two pages of one browser context race on 40 fresh databases
 * at once; every database must end with one id that both pages were given.
 */
import { expect, openHarness, test } from './fixtures.js';

test('two tabs racing for the device id get the same one, the one kept', async ({ context }) => {
  const [a, b] = [await context.newPage(), await context.newPage()];
  await Promise.all([openHarness(a), openHarness(b)]);
  const run = `race-${Date.now()}`;
  const startAt = Date.now() + 1_500;
  const race = (page: typeof a) =>
    page.evaluate(
      async ({ run, startAt }) => {
        await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
        const names = Array.from({ length: 40 }, (_, i) => `${run}-${i}`);
        return Promise.all(names.map((name) => window.harness.deviceState.openDeviceState(name).deviceId()));
      },
      { run, startAt },
    );
  const [idsA, idsB] = await Promise.all([race(a), race(b)]);
  // What a later visit reads: a new state on each database.
  const kept = await a.evaluate((run) => Promise.all(Array.from({ length: 40 }, (_, i) => window.harness.deviceState.openDeviceState(`${run}-${i}`).deviceId())), run);
  const split = idsA.flatMap((id, i) => (id !== idsB[i] || id !== kept[i] ? [i] : []));
  expect(split, `databases where the tabs or the next visit disagree: ${split.join(', ')}`).toEqual([]);
});
