import { describe, expect, it } from 'vitest';
import { engineFileProblem, engineFileUrls, missingEngineFile } from '../../src/host/engine-files-check.js';

const base = 'http://app.test/engines/ort/';
const answer = (status: number, type: string) => async () => new Response(status === 200 ? 'x' : null, { status, headers: { 'content-type': type } });

describe('engine files check', () => {
  it('takes URLs under the engine bases from the failures, then the declared ones, once each', () => {
    const reasons = [`no available backend found. ERR: [wasm] TypeError: Failed to fetch dynamically imported module: ${base}a.mjs`, 'see http://elsewhere.test/x.js'];
    expect(engineFileUrls(reasons, [base], [`${base}a.mjs`, `${base}a.wasm`])).toEqual([`${base}a.mjs`, `${base}a.wasm`]);
  });

  it('names a 404 with its URL and status, and an HTML fallback page served for a .wasm', async () => {
    expect(await engineFileProblem(`${base}a.wasm`, answer(404, 'text/plain'))).toMatchObject({
      code: 'DOWNLOAD_FAILED',
      details: { url: `${base}a.wasm`, status: 404, kind: 'engine' },
    });
    const html = await engineFileProblem(`${base}a.wasm`, answer(200, 'text/html'));
    expect(html?.message).toMatch(/HTML page/);
    expect(await engineFileProblem(`${base}a.wasm`, answer(200, 'application/wasm'))).toBeUndefined();
    expect(await engineFileProblem(`${base}a.mjs`, answer(200, 'text/javascript'))).toBeUndefined();
  });

  it('finds the first file that does not load', async () => {
    const fetchImpl = async (url: string) => new Response('x', { status: url.endsWith('.wasm') ? 404 : 200, headers: { 'content-type': 'text/javascript' } });
    expect((await missingEngineFile([`${base}a.mjs`, `${base}a.wasm`], fetchImpl))?.details).toMatchObject({ url: `${base}a.wasm` });
    expect(await missingEngineFile([`${base}a.mjs`], fetchImpl)).toBeUndefined();
  });
});
