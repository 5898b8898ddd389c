/**
 * The scale bench's models, made once into a cache folder (.bench-scale/models, git-ignored) and
 * reused while every file still has the SHA-256 recorded when it was made: per size a single-file
 * model (`<id>/1.0.0/model.onnx`) and the same weights as ONNX external data
 * (`<id>-ext/1.0.0/model.onnx` + `model.onnx_data`, made by `edgeserve externalize`'s code), and a
 * manifest packed by `edgeserve pack`'s code (tools/pack.ts). The expected output is computed while the weights are written.
 */
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packModel } from '../../tools/pack.js';
import type { Manifest } from '../../src/manifest/schema.js';
import { accumulate, GENERATOR, inputPattern, SEED, weightRows, type ScaleModel } from './model-spec.js';
import { externalizeFile } from '../../tools/externalize.js';
import { singleFileHead } from './onnx-stream.js';

export const VERSION = '1.0.0';
export const DATA_FILE = 'model.onnx_data';

export interface ModelFile {
  /** Path relative to the models folder (= URL relative to the manifest). */
  path: string;
  bytes: number;
  sha256: string;
}

export interface MadeModel extends ScaleModel {
  generator: string;
  seed: number;
  single: ModelFile;
  graph: ModelFile;
  data: ModelFile;
  /** y for inputPattern(k): integers, exact in fp32. */
  expected: number[];
}

/** Manifest ids: the single-file model, and its external-data twin. */
export const externalId = (id: string) => `${id}-ext`;

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 8 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function stillValid(dir: string, meta: MadeModel, spec: ScaleModel): Promise<boolean> {
  if (meta.generator !== GENERATOR || meta.seed !== SEED || meta.k !== spec.k) return false;
  for (const f of [meta.single, meta.graph, meta.data]) {
    const path = join(dir, f.path);
    if (!existsSync(path) || (await sha256File(path)) !== f.sha256) return false;
  }
  return true;
}

/**
 * Streams W into the single file (hashing it and summing x · W as it goes), then makes the
 * external-data twin from it with `edgeserve externalize`'s own code, as a user would.
 */
function writeModel(dir: string, spec: ScaleModel): MadeModel {
  const { id, k } = spec;
  const singlePath = join(id, VERSION, 'model.onnx');
  const graphPath = join(externalId(id), VERSION, 'model.onnx');
  const dataPath = join(externalId(id), VERSION, DATA_FILE);
  mkdirSync(dirname(join(dir, singlePath)), { recursive: true });
  const tmp = `${join(dir, singlePath)}.tmp-${process.pid}`;
  const single = openSync(tmp, 'w');
  const singleHash = createHash('sha256');
  const head = singleFileHead(k);
  writeSync(single, head);
  singleHash.update(head);
  const x = inputPattern(k);
  const y = new Float64Array(k);
  const rows = Math.max(1, Math.floor((4 << 20) / k));
  let row = 0;
  for (const chunk of weightRows(k, rows)) {
    const bytes = new Uint8Array(chunk.buffer);
    writeSync(single, bytes);
    singleHash.update(bytes);
    accumulate(y, x, chunk, row);
    row += chunk.length / k;
  }
  closeSync(single);
  renameSync(tmp, join(dir, singlePath));
  const ext = externalizeFile(join(dir, singlePath), { outDir: dirname(join(dir, graphPath)) });
  if (ext.dataPath !== join(dir, dataPath)) throw new Error(`edgeserve externalize wrote ${ext.dataPath}, not ${dataPath}`);
  return {
    ...spec,
    generator: GENERATOR,
    seed: SEED,
    single: { path: singlePath, bytes: head.length + k * k * 4, sha256: singleHash.digest('hex') },
    graph: { path: graphPath, bytes: ext.graphBytes, sha256: '' },
    data: { path: dataPath, bytes: ext.dataBytes, sha256: '' },
    expected: Array.from(y),
  };
}

function readManifest(path: string): Manifest {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Manifest) : { schemaVersion: 1, models: [] };
}

const packedSha = (manifest: Manifest, id: string) => manifest.models.find((m) => m.id === id)?.versions[0]?.variants[0]?.files[0]?.sha256;

/**
 * Packs what is not packed yet (or was packed from other bytes). The external-data twin stays in
 * the manifest only when pack recorded its data file too: before `pack` knew external data it
 * recorded the 167-byte graph alone, which no engine can open.
 */
function pack(dir: string, made: MadeModel, log: (l: string) => void): { external: boolean } {
  const manifestPath = join(dir, 'manifest.json');
  if (packedSha(readManifest(manifestPath), made.id) !== made.single.sha256) {
    log(`bench scale: edgeserve pack ${made.single.path}`);
    packModel(join(dir, made.single.path), { manifest: manifestPath, id: made.id, version: VERSION, precision: 'fp32' });
  }
  const extId = externalId(made.id);
  if (packedSha(readManifest(manifestPath), extId) !== made.graph.sha256) {
    try {
      packModel(join(dir, made.graph.path), { manifest: manifestPath, id: extId, version: VERSION, precision: 'fp32' });
    } catch (error) {
      log(`bench scale: edgeserve pack ${made.graph.path} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const manifest = readManifest(manifestPath);
  const files = manifest.models.find((m) => m.id === extId)?.versions[0]?.variants[0]?.files ?? [];
  if (files.length >= 2) return { external: true };
  manifest.models = manifest.models.filter((m) => m.id !== extId);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { external: false };
}

/** Makes (or reuses) each model and packs the manifest; `external`: pack recorded the data file. */
export async function ensureModels(dir: string, specs: ScaleModel[], log: (l: string) => void): Promise<{ models: MadeModel[]; external: Set<string> }> {
  const models: MadeModel[] = [];
  const external = new Set<string>();
  for (const spec of specs) {
    const metaPath = join(dir, spec.id, 'meta.json');
    let made = existsSync(metaPath) ? (JSON.parse(readFileSync(metaPath, 'utf8')) as MadeModel) : undefined;
    if (made && !(await stillValid(dir, made, spec))) made = undefined;
    if (!made) {
      const t = Date.now();
      log(`bench scale: making ${spec.id} (${spec.mib} MiB, single file and external data)…`);
      rmSync(metaPath, { force: true });
      made = writeModel(dir, spec);
      made.graph.sha256 = await sha256File(join(dir, made.graph.path));
      made.data.sha256 = await sha256File(join(dir, made.data.path));
      writeFileSync(metaPath, `${JSON.stringify(made)}\n`);
      log(`bench scale: made ${spec.id} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
    } else log(`bench scale: ${spec.id} reused (hashes match)`);
    if (pack(dir, made, log).external) external.add(spec.id);
    models.push(made);
  }
  return { models, external };
}
