/**
 * Build the bench pages for production (onnxruntime-web's threaded path must be tested built)
 * and serve them as a CDN would: COOP/COEP (WASM threads need cross-origin isolation) and the
 * `Cache-Control` a CDN sends — versioned model and engine files and hashed assets are
 * `immutable` for a year, pages and the manifest are revalidated (`no-cache` + ETag). So a
 * "warm" visit goes through a real HTTP cache, with the same headers a user's browser meets.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentType, findFile, requestPath } from '../../test/fixtures/static-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = 'bench/vite.config.ts';
/** Where the bench page is built; BENCH_BUILD_DIR gives a run its own (two runs at once, or an A/B of two builds). */
const OUT_DIR = process.env.BENCH_BUILD_DIR ?? '.bench-build';

export function build(port: number): void {
  const result = spawnSync('npx', ['vite', 'build', '-c', config, '--logLevel', 'error', '--outDir', OUT_DIR, '--emptyOutDir'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, BENCH_PORT: String(port) },
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status})`);
}

export interface Server {
  url: string;
  /** Requests served, by path (a test of the harness: the warm visit must not refetch). */
  readonly served: Map<string, number>;
  stop(): void;
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * What a CDN sends for a path: model files live under a version folder and engine files are
 * pinned to the package version, so both are immutable; Vite's `assets/` names carry a hash.
 */
export function cacheControlFor(path: string): string {
  if (/^\/models\/[^/]+\/[^/]+\/.+/.test(path) || path.startsWith('/engines/') || path.startsWith('/assets/')) return IMMUTABLE;
  return 'no-cache';
}

export async function serve(port: number, dir = resolve(root, OUT_DIR)): Promise<Server> {
  const served = new Map<string, number>();
  const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = requestPath(req.url);
    served.set(path, (served.get(path) ?? 0) + 1);
    const file = findFile([dir], path);
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, isolation).end();
      return;
    }
    const stat = statSync(file);
    const etag = `W/"${stat.size.toString(16)}-${Math.round(stat.mtimeMs).toString(16)}"`;
    const headers = { ...isolation, 'Cache-Control': cacheControlFor(path), ETag: etag, 'Content-Type': contentType(file) };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': stat.size });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, 'localhost', resolve));
  const stop = () => {
    server.closeAllConnections();
    server.close();
  };
  process.once('exit', stop);
  return { url: `http://localhost:${port}`, served, stop };
}
