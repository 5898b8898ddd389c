/**
 * nsfwjs ships its tfjs model as browserify bundles: `model.min.js` exports the model.json
 * object and each `groupN-shardMofK.min.js` exports the weight shard as a base64 string.
 * We unwrap them into a normal `model.json` + `.bin` files that tfjs (and our store) read.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

interface WeightsGroup {
  paths: string[];
  weights: unknown[];
}
interface WrappedModel {
  modelTopology: unknown;
  weightsManifest: WeightsGroup[];
}

/** Returns the written paths, model.json first. */
export async function unwrapNsfwjsModel(fromDir: string, toDir: string): Promise<string[]> {
  const wrapped = require(join(fromDir, 'model.min.js')) as WrappedModel;
  const available = new Set(await readdir(fromDir));
  const weightPaths: string[] = [];
  const weightsManifest: WeightsGroup[] = [];
  for (const group of wrapped.weightsManifest) {
    const paths: string[] = [];
    for (const shard of group.paths) {
      if (!available.has(`${shard}.min.js`)) throw new Error(`nsfwjs shard ${shard}.min.js is missing in ${fromDir}`);
      const base64 = require(join(fromDir, `${shard}.min.js`)) as unknown;
      if (typeof base64 !== 'string') throw new Error(`nsfwjs shard ${shard} is not a base64 string`);
      const path = join(toDir, `${shard}.bin`);
      await writeFile(path, Buffer.from(base64, 'base64'));
      weightPaths.push(path);
      paths.push(`${shard}.bin`);
    }
    weightsManifest.push({ ...group, paths });
  }
  const modelJson = join(toDir, 'model.json');
  await writeFile(modelJson, JSON.stringify({ format: 'layers-model', generatedBy: 'nsfwjs (unwrapped by edgeserve)', modelTopology: wrapped.modelTopology, weightsManifest }));
  return [modelJson, ...weightPaths];
}
