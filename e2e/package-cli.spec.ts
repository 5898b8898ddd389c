/**
 * The CLI from npm: `npx edgeserve --help` and `edgeserve quantize` run from the installed
 * package (compiled JavaScript, its runtime dependencies only: the app has no tsx, no
 * TypeScript), and the quantized model runs in bare onnxruntime-web.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './package/installed-app.js';
import { createSession, ort } from '../tools/ort-node.js';
import { TINY_IN, TINY_OUT, tinyInput } from '../test/fixtures/tiny-onnx-model.js';

const npx = (args: string[], cwd: string) => execFileSync('npx', ['--no-install', 'edgeserve', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

test('npx edgeserve --help and quantize run from the installed package on Node alone', async ({ installedApp }) => {
  test.setTimeout(120_000);
  const { dir } = installedApp;
  expect(existsSync(join(dir, 'node_modules/tsx'))).toBe(false);
  expect(existsSync(join(dir, 'node_modules/typescript'))).toBe(false);
  expect(npx(['--help'], dir)).toMatch(/Usage: edgeserve <command>[\s\S]*quantize[\s\S]*pack/);

  npx(['quantize', 'public/models/tiny.onnx', '-o', 'public/models/tiny.int8.onnx'], dir);
  const session = await createSession(readFileSync(join(dir, 'public/models/tiny.int8.onnx')));
  expect(session.inputNames).toEqual(['x']);
  const x = tinyInput();
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [x.length / TINY_IN, TINY_IN]) });
  expect(y!.dims).toEqual([2, TINY_OUT]);
  await session.release();
});
