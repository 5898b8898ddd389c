/**
 * A good neighbour: a page that uses edgeserve and also Comlink for its own worker. edgeserve's
 * errors still arrive typed, and the other worker's errors still arrive with their name and
 * message — edgeserve does not replace Comlink's global 'throw' handler.
 */
import { expect, openHarness, test } from './fixtures.js';

test("another Comlink channel on the page keeps its errors while edgeserve's stay typed", async ({ page }) => {
  await openHarness(page);
  const result = await page.evaluate(async () => {
    const { edgeserve, neighbour } = window.harness;
    const other = neighbour();
    const runtime = edgeserve.createRuntime({ backend: 'wasm' });
    // edgeserve first, so whatever it sets up on the page is in place before the neighbour calls.
    const ours = await runtime.load('no-such-model').then(
      () => undefined,
      (e: Error & { code?: string }) => ({ name: e.name, code: e.code, typed: e instanceof edgeserve.ModelNotFoundError, message: e.message }),
    );
    const theirs = await other.fail().then(
      () => undefined,
      (e: Error) => ({ name: e.name, message: e.message, isError: e instanceof Error }),
    );
    const echoed = await other.echo('still talking');
    runtime.dispose();
    return { ours, theirs, echoed };
  });
  expect(result.ours).toMatchObject({ name: 'ModelNotFoundError', code: 'MODEL_NOT_FOUND', typed: true });
  expect(result.ours?.message).toMatch(/no-such-model/);
  expect(result.theirs).toEqual({ name: 'RangeError', message: 'the neighbour failed on purpose', isError: true });
  expect(result.echoed).toBe('still talking');
});
