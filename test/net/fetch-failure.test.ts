import { describe, expect, it } from 'vitest';
import { whyFetchFailed } from '../../src/net/fetch-failure.js';

describe('whyFetchFailed', () => {
  const url = 'http://cdn.test/models/manifest.json';
  it('calls it CORS when the other origin answers a no-cors request', async () => {
    const failure = await whyFetchFailed(url, new TypeError('Failed to fetch'), 'http://app.test', async (_u, init) => {
      expect(init?.mode).toBe('no-cors');
      return new Response(null, { status: 200 });
    });
    expect(failure).toMatchObject({ cors: true });
    expect(failure.message).toMatch(/http:\/\/cdn\.test answered but does not allow http:\/\/app\.test/);
  });

  it('names both causes when the other origin does not answer, and the network for the same origin', async () => {
    const down = async () => Promise.reject(new TypeError('Failed to fetch'));
    expect(await whyFetchFailed(url, new TypeError('Failed to fetch'), 'http://app.test', down)).toMatchObject({
      cors: false,
      message: expect.stringMatching(/network failed, or http:\/\/cdn\.test does not allow/),
    });
    expect(await whyFetchFailed(url, new TypeError('Failed to fetch'), 'http://cdn.test', down)).toMatchObject({ cors: false });
  });
});
