/**
 * How Chromium is launched. Default: as e2e/playwright.config.ts does, WebGPU on SwiftShader
 * (software, no GPU needed). `--gpu`: a real GPU through ANGLE/Vulkan, headless=new (which keeps
 * the GPU process) or headed, so the same suite measures hardware WebGPU on a machine that has it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';

const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);

const quiet = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const swiftshader = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
const gpu = ['--enable-unsafe-webgpu', '--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan', '--use-angle=vulkan', '--ignore-gpu-blocklist', '--enable-gpu'];
// measureUserAgentSpecificMemory() otherwise waits for the next GC (up to 20 s a call).
const memory = ['--enable-blink-features=ForceEagerMeasureMemory'];

export interface LaunchMode {
  gpu: boolean;
  headed: boolean;
}

/** BENCH_CHROMIUM_ARGS: extra switches for an experiment (e.g. `--js-flags=--no-liftoff`), space-separated. */
const extra = (process.env.BENCH_CHROMIUM_ARGS ?? '').split(' ').filter(Boolean);

function launchArgs(mode: LaunchMode): { args: string[]; headless: boolean } {
  if (!mode.gpu) return { args: [...quiet, ...swiftshader, ...memory, ...extra], headless: !mode.headed };
  // Playwright's headless flag picks the old headless on some builds, which has no GPU process;
  // --headless=new is asked for explicitly instead.
  return { args: [...quiet, ...gpu, ...memory, ...extra, ...(mode.headed ? [] : ['--headless=new'])], headless: false };
}

export async function launch(mode: LaunchMode): Promise<Browser> {
  const { args, headless } = launchArgs(mode);
  return chromium.launch({ ...(executablePath ? { executablePath } : {}), args, headless });
}

/**
 * A browser on a new, empty profile directory: its own disk HTTP cache and V8/WASM code cache,
 * as a first-time visitor has. Playwright's `newContext()` is an off-the-record profile, whose
 * code caching differs from a real one's; the start-up samples use this instead.
 */
export async function launchFresh(mode: LaunchMode): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'edgeserve-bench-'));
  const { args, headless } = launchArgs(mode);
  const context = await chromium.launchPersistentContext(dir, { ...(executablePath ? { executablePath } : {}), args, headless });
  return {
    context,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
