/**
 * Build the bench pages for production (onnxruntime-web's threaded path must be tested built,
 * docs/ARCHITECTURE.md, "Engines") and serve them with `vite preview` (COOP/COEP) on a port of the bench's own range.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = 'bench/vite.config.ts';
export const OUT_DIR = '.bench-build';

export function build(port: number): void {
  const result = spawnSync('npx', ['vite', 'build', '-c', config, '--logLevel', 'error', '--outDir', OUT_DIR], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, BENCH_PORT: String(port) },
  });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status})`);
}

export interface Server {
  url: string;
  stop(): void;
}

async function waitFor(url: string, child: ChildProcess, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`vite preview did not answer ${url} within ${ms} ms`);
}

export async function preview(port: number): Promise<Server> {
  // detached: its own process group, so stop() ends npx and the vite it started, and nothing else.
  const child = spawn('npx', ['vite', 'preview', '-c', config, '--outDir', OUT_DIR, '--port', String(port), '--strictPort'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
    env: { ...process.env, BENCH_PORT: String(port) },
  });
  const url = `http://localhost:${port}`;
  const stop = () => {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', stop);
  try {
    await waitFor(`${url}/bench/pages/bench.html`, child, 60_000);
  } catch (error) {
    stop();
    throw error;
  }
  return { url, stop };
}
