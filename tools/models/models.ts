/**
 * `npm run models`: copies or converts the models listed in docs/ARCHITECTURE.md from their npm packages into
 * public/models/, writes public/models/manifest.json, and copies the engines' own WASM files
 * into public/engines/ (onnxruntime-web and tfjs load them at run time from a URL we set).
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-web';
import type { FileEntry, Manifest, ModelEntry, VariantEntry } from '../../src/manifest/schema.js';
import type { Int8VariantOptions } from '../make-int8-variant.js';
import { copyEngineAssets } from './engine-assets.js';
import { MODEL_VERSION, modelSources, nodeModules, type ModelSource } from './model-sources.js';
import { unwrapNsfwjsModel } from './unwrap-nsfwjs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const publicDir = join(root, 'public');
// --out <dir> writes the models and manifest elsewhere (timing a rebuild without replacing the
// files a running dev server or e2e build reads); the engine files always go to public/engines/.
const outAt = process.argv.indexOf('--out');
const modelsDir = outAt > 0 && process.argv[outAt + 1] ? resolve(process.argv[outAt + 1]!) : join(publicDir, 'models');

async function fileEntry(path: string): Promise<FileEntry> {
  const bytes = await readFile(path);
  return {
    url: relative(modelsDir, path).split('\\').join('/'),
    bytes: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
}

/** The declared specs must name the model's real inputs and outputs, or the runtime would refuse good input. */
async function checkOnnxSpecs(source: ModelSource, path: string): Promise<void> {
  const session = await ort.InferenceSession.create(await readFile(path));
  const same = (a: readonly string[], b: string[] | undefined) => JSON.stringify([...a]) === JSON.stringify(b);
  if (
    !same(
      session.inputNames,
      source.inputs?.map((s) => s.name),
    ) ||
    !same(
      session.outputNames,
      source.outputs?.map((s) => s.name),
    )
  ) {
    throw new Error(`${source.id}: declared inputs/outputs do not match the model (${session.inputNames} → ${session.outputNames})`);
  }
  await session.release();
}

/** A recipe whose sample makers, and fp32 on their samples, run once however many variants' gates ask for them. */
function shareSamples(recipe: Int8VariantOptions): Int8VariantOptions {
  const once = <T>(make: (() => T) | undefined) => {
    let made: T | undefined;
    return make && (() => (made ??= make()));
  };
  const gateSamples = once(recipe.gateSamples);
  const calibrationSamples = once(recipe.calibrationSamples);
  // fp32 runs once on them too: each later gate reads its outputs (the samples are the same objects).
  return { ...recipe, ...(gateSamples ? { gateSamples } : {}), ...(calibrationSamples ? { calibrationSamples } : {}), gateReference: new WeakMap() };
}

async function buildModel(source: ModelSource): Promise<ModelEntry> {
  const dir = join(modelsDir, source.id, MODEL_VERSION);
  await mkdir(dir, { recursive: true });
  const variants: VariantEntry[] = [];
  if (source.format === 'onnx') {
    const fp32Path = join(dir, basename(source.from));
    await copyFile(join(nodeModules, source.from), fp32Path);
    await checkOnnxSpecs(source, fp32Path);
    variants.push({ precision: 'fp32', files: [await fileEntry(fp32Path)] });
    // INT8 VARIANTS:start
    if (source.quantize) {
      // Dynamic int8, per-channel, plus the per-model tweaks of INT8_RECIPES (ocr-det keeps its
      // five earliest, most sensitive Convs float); see README "int8". Imported here so this
      // block is the only part of the script that knows about the quantizer.
      const { makeInt8Variant } = await import('../make-int8-variant.js');
      const { int8RecipeFor } = await import('../int8-recipes.js');
      // The gate's real samples are rendered once and shared by int8, fp16 and q4.
      const recipe = shareSamples(int8RecipeFor(source.id));
      const int8Path = join(dir, basename(source.from).replace(/\.onnx$/, '.int8.onnx'));
      const { ToolError } = await import('../tool-error.js');
      // The quality gate is on: a variant that disagrees with fp32 throws GATE_FAILED before it
      // is written, and is left out of the manifest rather than shipped.
      const made = await makeInt8Variant(fp32Path, int8Path, recipe).catch((err: unknown) => {
        if (err instanceof ToolError && err.code === 'GATE_FAILED') return void console.warn(`${source.id}: int8 not shipped — ${err.message}`);
        throw err;
      });
      if (made && made.bytesOut > 0) {
        await checkOnnxSpecs(source, int8Path);
        variants.push({
          precision: made.precision,
          files: [await fileEntry(int8Path)],
          opset: made.opset,
          recipe: made.recipe,
          ...(made.agreement ? { agreement: made.agreement } : {}),
        });
      }
      // fp16 and q4 where they apply (tools/models/precision-variants.ts says which and why).
      const { makeExtraVariants } = await import('./precision-variants.js');
      for (const extra of await makeExtraVariants(source.id, fp32Path, dir, recipe, console.warn)) {
        await checkOnnxSpecs(source, extra.path);
        variants.push({
          precision: extra.precision,
          files: [await fileEntry(extra.path)],
          opset: extra.opset,
          recipe: extra.recipe,
          ...(extra.agreement ? { agreement: extra.agreement } : {}),
        });
      }
    }
    // INT8 VARIANTS:end
  } else if (source.format === 'tflite') {
    const path = join(dir, basename(source.from));
    await copyFile(join(nodeModules, source.from), path);
    const { checkTfliteSpecs } = await import('./litert-model.js');
    variants.push({ precision: 'fp32', files: [await fileEntry(path)], ...checkTfliteSpecs(source, path) });
  } else {
    const paths = await unwrapNsfwjsModel(join(nodeModules, source.from), dir);
    variants.push({ precision: 'fp32', files: await Promise.all(paths.map(fileEntry)), recipe: 'weights stored as uint8 by nsfwjs, dequantized at load' });
  }
  const labels = typeof source.labels === 'function' ? await source.labels() : source.labels;
  return {
    id: source.id,
    format: source.format,
    description: source.description,
    source: source.from,
    inputs: source.inputs ?? [],
    outputs: source.outputs ?? [],
    ...(labels ? { labels } : {}),
    versions: [{ version: MODEL_VERSION, variants }],
    policy: { kind: 'latest' },
  };
}

async function main(): Promise<void> {
  // `npm test` calls `models --if-missing` so a fresh clone needs no extra step; `npm run models` always rebuilds.
  if (process.argv.includes('--if-missing') && existsSync(join(modelsDir, 'manifest.json'))) {
    // The engine files are cheap to copy and their list changes (a new onnxruntime-web flavour): always bring them up to date.
    await copyEngineAssets(root, join(publicDir, 'engines'));
    console.log('public/models/manifest.json exists; run `npm run models` to rebuild it');
    return;
  }
  ort.env.wasm.numThreads = 1;
  await rm(modelsDir, { recursive: true, force: true });
  await mkdir(modelsDir, { recursive: true });
  const only = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && all[i - 1] !== '--out');
  const models: ModelEntry[] = [];
  for (const source of modelSources) {
    if (only.length > 0 && !only.includes(source.id)) continue;
    const started = performance.now();
    const entry = await buildModel(source);
    const bytes = entry.versions[0]?.variants.map((v) => `${v.precision} ${(v.files.reduce((n, f) => n + f.bytes, 0) / 1e6).toFixed(2)} MB`);
    console.log(`${source.id.padEnd(15)} ${bytes?.join(', ')}  (${Math.round(performance.now() - started)} ms)`);
    models.push(entry);
  }
  const manifest: Manifest = { schemaVersion: 1, models };
  await writeFile(join(modelsDir, 'manifest.json'), JSON.stringify(manifest, null, 1));
  await copyEngineAssets(root, join(publicDir, 'engines'));
  console.log(`wrote ${relative(root, join(modelsDir, 'manifest.json'))} (${models.length} models) and public/engines/`);
}

await main();
