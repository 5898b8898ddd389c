import { describe, expect, it } from 'vitest';
import { DownloadFailedError, InferenceFailedError, StorageFailedError, UnsupportedError, VariantNotFoundError, WorkerCrashedError } from '../src/errors.js';
import { explainError } from '../src/explain-error.js';

describe('explainError', () => {
  it('picks the message by code, keeping the original as detail', () => {
    const e = explainError(new StorageFailedError('QuotaExceededError'), true);
    expect(e).toMatchObject({ code: 'STORAGE_FAILED', title: 'Storage is full or blocked', detail: 'QuotaExceededError' });
    expect(explainError(new WorkerCrashedError('gone')).title).toBe('The model worker stopped');
  });

  it('tells offline-on-first-visit and a missing file apart from other download failures', () => {
    expect(explainError(new DownloadFailedError('fetch failed'), false).title).toBe('You are offline');
    expect(explainError(new DownloadFailedError('HTTP 404', { status: 404 }), true).title).toBe('The model file is missing on the server');
    expect(explainError(new DownloadFailedError('HTTP 500', { status: 500 }), true).title).toBe('The model could not be downloaded');
  });

  it('names what was fetched: the manifest, an engine file, a CORS refusal', () => {
    expect(explainError(new DownloadFailedError('HTTP 404', { status: 404, kind: 'manifest', url: '/m.json' }), true)).toMatchObject({
      title: 'The model list is missing on the server',
      hint: expect.stringContaining('/m.json'),
    });
    expect(explainError(new DownloadFailedError('HTTP 404', { status: 404, kind: 'engine', url: '/e/a.wasm' }), true)).toMatchObject({
      title: 'An engine file is missing on the server',
      hint: expect.stringContaining('/e/a.wasm did not load (HTTP 404)'),
    });
    expect(explainError(new DownloadFailedError('blocked', { kind: 'manifest', cors: true, url: 'http://cdn.test/m.json' }), true).title).toBe(
      'Blocked by the other server (CORS)',
    );
  });

  it('does not pretend to know errors that are not EdgeServeErrors', () => {
    expect(explainError(new TypeError('x is undefined'))).toMatchObject({ code: 'UNKNOWN', detail: 'x is undefined' });
  });

  it('never suggests what just failed: the precision asked for, WASM after WASM failed', () => {
    const int8Only = new VariantNotFoundError('no fp32', { id: 'm', version: '1.0.0', precision: 'fp32', available: ['int8'] });
    expect(explainError(int8Only).hint).toBe('This model has no fp32 variant. Try int8.');
    const onWasm = new UnsupportedError('no', {
      failures: [
        { backend: 'webgpu', reason: 'x' },
        { backend: 'wasm', reason: 'y' },
      ],
    });
    expect(explainError(onWasm).hint).not.toMatch(/WASM backend/);
    expect(explainError(new UnsupportedError('no', { failures: [{ backend: 'webgpu', reason: 'x' }] })).hint).toMatch(/WASM backend/);
    expect(explainError(new InferenceFailedError('boom', { id: 'm', backend: 'wasm' })).hint).not.toMatch(/WASM/);
    expect(explainError(new InferenceFailedError('boom', { id: 'm', backend: 'webgpu' })).hint).toMatch(/WASM backend/);
  });
});
