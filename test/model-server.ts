/**
 * A real HTTP server on loopback serving public/ (as Vite would), with a hook to alter what a
 * path returns — for download and host tests in Node against the real fetch.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

export type Override = (res: ServerResponse, body: Buffer) => boolean;

export interface ModelServer {
  url: string;
  requests: string[];
  override(path: string, handler: Override | undefined): void;
  close(): Promise<void>;
}

export async function startModelServer(): Promise<ModelServer> {
  const overrides = new Map<string, Override>();
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    let body: Buffer;
    try {
      body = await readFile(publicDir + path.slice(1));
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    if (overrides.get(path)?.(res, body)) return;
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    override: (path, handler) => (handler ? overrides.set(path, handler) : overrides.delete(path)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
