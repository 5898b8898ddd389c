/**
 * Where LiteRT.js's files are (engine-files.ts) and what is served there (tools/models/litert-assets.ts):
 * both builds under litert/, the build-recorded hashes kept for an app's own copy, and the glue
 * shipped as an ES module whose default export is the package's own module factory.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { engineFilesAt, withKnownHashes } from '../../src/engines/engine-files.js';
import { copyLitertAssets, litertGlueModule } from '../../tools/models/litert-assets.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe("LiteRT.js's engine files", () => {
  it('are litert/<build>.{mjs,wasm} under the base, and keep the hashes the package recorded', () => {
    const files = engineFilesAt('https://cdn.example/edgeserve/dist/lib');
    expect(files.litert.simd).toEqual({
      wasm: 'https://cdn.example/edgeserve/dist/lib/litert/litert_wasm_internal.wasm',
      mjs: 'https://cdn.example/edgeserve/dist/lib/litert/litert_wasm_internal.mjs',
    });
    expect(files.litert.compat.wasm).toBe('https://cdn.example/edgeserve/dist/lib/litert/litert_wasm_compat_internal.wasm');
    const known = engineFilesAt('/pkg/');
    known.litert.simd.wasmSha256 = 'a'.repeat(64);
    known.litert.compat.wasmSha256 = 'b'.repeat(64);
    const own = withKnownHashes(engineFilesAt('/app/engines/'), known);
    expect(own.litert.simd).toMatchObject({ wasm: '/app/engines/litert/litert_wasm_internal.wasm', wasmSha256: 'a'.repeat(64) });
    expect(own.litert.compat.wasmSha256).toBe('b'.repeat(64));
  });

  it('ship the glue as an ES module exporting its factory, and the .wasm as it is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'litert-assets-'));
    copyLitertAssets(root, dir);
    for (const stem of ['litert_wasm_internal', 'litert_wasm_compat_internal']) {
      const classic = readFileSync(join(root, 'node_modules/@litertjs/core/wasm', `${stem}.js`), 'utf8');
      expect(readFileSync(join(dir, `${stem}.mjs`), 'utf8')).toBe(
        `const exports = undefined, module = undefined, define = undefined;\n${classic}\nexport default ModuleFactory;\n`,
      );
      expect(readFileSync(join(dir, `${stem}.wasm`)).equals(readFileSync(join(root, 'node_modules/@litertjs/core/wasm', `${stem}.wasm`)))).toBe(true);
    }
    // Imported as a module (what the worker does), its default export is the factory.
    const module = (await import(join(dir, 'litert_wasm_compat_internal.mjs'))) as { default: unknown };
    expect(typeof module.default).toBe('function');
    expect(() => litertGlueModule('export const x = 1;')).toThrow(/no `var ModuleFactory`/);
  });
});
