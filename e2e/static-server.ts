/**
 * A tiny static file server for specs that need their own origin (the drop-in's second origin)
 * or control over what is served (a new service worker for the PWA update test). It logs every
 * request, so a spec can prove that none reached the network.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { contentType, findFile, requestPath } from '../test/fixtures/static-files.js';

export interface StaticServerOptions {
  port: number;
  /** Folders searched in order for a path. */
  roots: string[];
  headers?: Record<string, string>;
  /** `Cache-Control` by request path (default `no-cache`; `headers` can override it for all). */
  cacheControl?: (path: string) => string;
  /** path → body (or a function giving it): served instead of a file. */
  routes?: Record<string, { type: string; body: () => string | Buffer; headers?: Record<string, string> }>;
}

export interface StaticServer {
  origin: string;
  /** Every request path, in order. */
  readonly log: string[];
  close(): Promise<void>;
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const log: string[] = [];
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = requestPath(req.url);
    log.push(path);
    const headers = { 'Cache-Control': options.cacheControl?.(path) ?? 'no-cache', ...options.headers };
    const route = options.routes?.[path];
    if (route) {
      const body = route.body();
      res.writeHead(200, { ...headers, 'Content-Type': route.type, ...route.headers });
      res.end(body);
      return;
    }
    const file = findFile(options.roots, path);
    if (!file || req.method !== 'GET') {
      res.writeHead(404, headers).end();
      return;
    }
    // A validator, as every real static server sends: a `no-cache` file is revalidated (304), and
    // the browser's HTTP cache keeps it for a `force-cache` read (the engine's device copy).
    const stat = statSync(file);
    const etag = `W/"${stat.size.toString(16)}-${Math.round(stat.mtimeMs).toString(16)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ...headers, ETag: etag }).end();
      return;
    }
    res.writeHead(200, { ...headers, ETag: etag, 'Content-Type': contentType(file), 'Content-Length': stat.size });
    createReadStream(file).pipe(res);
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(options.port, 'localhost', resolve));
  return {
    origin: `http://localhost:${options.port}`,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Ports for a spec's own servers: just above the suite's E2E_PORT (4190 → 4191…), so two
 * suites on different E2E_PORTs never take each other's ports.
 */
export const sidePort = (n: 1 | 2 | 3 | 4) => Number(process.env.E2E_PORT ?? 4173) + n;

/** The production build the shared config made for this run (see playwright.config.ts). */
export const e2eBuildDir = join(import.meta.dirname, '..', `.e2e-build-${process.env.E2E_PORT ?? 4173}`);

/** Headers of the app's own servers (vite.config.ts): cross-origin isolated, usable from other origins. */
export const appHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Access-Control-Allow-Origin': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};
