/**
 * Runtime validation of a fetched manifest: a broken deployment fails loudly at `load`
 * with MANIFEST_INVALID and the field at fault, not later with an engine stack trace.
 */
import { ManifestInvalidError } from '../errors.js';
import { MAX_FILE_BYTES, MAX_FILES } from '../store/limits.js';
import { isModelFormat, isPrecision, MAX_BATCH_SIZE, PRECISIONS, MAX_QUEUE_DELAY_US, type Manifest, type ModelEntry } from './schema.js';
import { isVersion } from './versions.js';
import { tensorSpecsProblem } from './tensor-spec-check.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(path: string, problem: string): never {
  throw new ManifestInvalidError(`manifest ${path}: ${problem}`, { path });
}

function checkTensorSpecs(specs: unknown, path: string): void {
  const problem = tensorSpecsProblem(specs, path);
  if (problem) fail(problem.at, problem.message);
}

function checkPolicy(policy: unknown, versions: { version?: unknown }[], at: string): void {
  if (policy === undefined) return;
  if (!isObject(policy)) fail(at, 'must be an object');
  const listed = (v: unknown) => versions.some((entry) => entry.version === v);
  if (policy.kind === 'latest') return;
  if (policy.kind === 'pinned') {
    if (!listed(policy.version)) fail(`${at}.version`, `pins ${String(policy.version)}, which is not listed`);
    return;
  }
  if (policy.kind === 'rollout') {
    if (!listed(policy.stable)) fail(`${at}.stable`, `${String(policy.stable)} is not listed`);
    if (!listed(policy.candidate)) fail(`${at}.candidate`, `${String(policy.candidate)} is not listed`);
    if (typeof policy.percent !== 'number' || policy.percent < 0 || policy.percent > 100) fail(`${at}.percent`, 'must be between 0 and 100');
    return;
  }
  fail(`${at}.kind`, `unknown policy ${String(policy.kind)}`);
}

function checkBatching(batching: unknown, at: string): void {
  if (batching === undefined || batching === false) return;
  if (!isObject(batching)) fail(at, 'must be false or an object');
  const bounded = (key: string, min: number, max: number) => {
    const value = batching[key];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) fail(`${at}.${key}`, `must be an integer from ${min} to ${max}`);
  };
  bounded('maxBatchSize', 1, MAX_BATCH_SIZE);
  bounded('maxQueueDelayUs', 0, MAX_QUEUE_DELAY_US);
}

const KINDS = ['probability', 'classifier', 'features'];

/** Optional (manifests written before the quality gate have none); when present, well formed. */
function checkAgreement(value: unknown, at: string): void {
  if (value === undefined) return;
  if (!isObject(value)) fail(at, 'must be an object');
  if (value.inputs !== 'calibration' && value.inputs !== 'generated') fail(`${at}.inputs`, 'must be calibration or generated');
  if (!Number.isInteger(value.samples) || (value.samples as number) < 1) fail(`${at}.samples`, 'must be a positive integer');
  if (typeof value.passed !== 'boolean') fail(`${at}.passed`, 'must be a boolean');
  if (!Array.isArray(value.outputs)) fail(`${at}.outputs`, 'must be an array');
  value.outputs.forEach((o: unknown, i) => {
    const oAt = `${at}.outputs[${i}]`;
    if (!isObject(o) || typeof o.name !== 'string' || !KINDS.includes(o.kind as string)) fail(oAt, 'needs a name and a kind (probability, classifier, features)');
    for (const k of ['maxAbs', 'meanAbs', 'relative', 'cosine']) if (typeof o[k] !== 'number') fail(`${oAt}.${k}`, 'must be a number');
    if (o.p99Abs !== undefined && typeof o.p99Abs !== 'number') fail(`${oAt}.p99Abs`, 'must be a number');
    if (o.agreement !== null && (typeof o.agreement !== 'number' || o.agreement < 0 || o.agreement > 1)) fail(`${oAt}.agreement`, 'must be null or between 0 and 1');
  });
}

/** Only for the path arithmetic below: any base works, what matters is where URLs land relative to each other. */
const URL_BASE = 'https://manifest.invalid/m/';
const GRAPH_FILE = /\.(onnx|ort)$/i;

/**
 * An ONNX variant is its graph file, then the external data files the graph names. The engine
 * mounts each data file under its URL's path relative to the graph's folder (the `location` the
 * graph's tensors give), so a data file must sit in or under that folder, once, and the graph
 * must come first: a variant listed otherwise cannot load, and is refused here rather than after
 * its download. (Whether the names match the graph's locations is only known from its bytes.)
 */
function checkOnnxFiles(files: { url: string }[], at: string): void {
  if (files.length < 2) return;
  const path = (url: string) => new URL(url, URL_BASE).pathname;
  if (!GRAPH_FILE.test(path(files[0]!.url))) {
    const graph = files.findIndex((f) => GRAPH_FILE.test(path(f.url)));
    if (graph > 0) fail(`${at}[0]`, `the graph file (${files[graph]!.url}) must come first, then its external data files`);
  }
  const href = (url: string) => new URL(url, URL_BASE).href.split(/[?#]/)[0]!;
  const graphDir = new URL('.', href(files[0]!.url)).href;
  const seen = new Set<string>([href(files[0]!.url).slice(graphDir.length)]);
  files.slice(1).forEach((file, i) => {
    const resolved = href(file.url);
    const fAt = `${at}[${i + 1}]`;
    if (!resolved.startsWith(graphDir)) fail(`${fAt}.url`, `external data file ${file.url} must be served from the graph's folder (${files[0]!.url}) or below it`);
    const location = decodeURIComponent(resolved.slice(graphDir.length));
    if (GRAPH_FILE.test(location)) fail(`${fAt}.url`, `${file.url} is a second graph; an ONNX variant is one graph file and its external data files`);
    if (seen.has(location)) fail(`${fAt}.url`, `${file.url} is listed twice`);
    seen.add(location);
  });
}

function checkModel(model: unknown, at: string): void {
  if (!isObject(model) || typeof model.id !== 'string' || model.id === '') fail(at, 'needs a non-empty string id');
  if (!isModelFormat(model.format)) fail(`${at}.format`, `unknown format ${String(model.format)}`);
  checkTensorSpecs(model.inputs, `${at}.inputs`);
  checkTensorSpecs(model.outputs, `${at}.outputs`);
  if (!Array.isArray(model.versions) || model.versions.length === 0) fail(`${at}.versions`, 'must list at least one version');
  checkPolicy(model.policy, model.versions as { version?: unknown }[], `${at}.policy`);
  checkBatching(model.batching, `${at}.batching`);
  model.versions.forEach((version: unknown, v) => {
    const vAt = `${at}.versions[${v}]`;
    if (!isObject(version) || typeof version.version !== 'string') fail(vAt, 'needs a string version');
    if (!isVersion(version.version)) {
      fail(`${vAt}.version`, `"${version.version}" is not a semantic version (MAJOR.MINOR.PATCH with an optional -prerelease, e.g. 1.0.0 or 1.1.0-rc.1; no "v" prefix, no +build)`);
    }
    if ((model.versions as { version?: unknown }[]).slice(0, v).some((earlier) => earlier.version === version.version)) {
      fail(`${vAt}.version`, `duplicate version ${version.version}`);
    }
    if (!Array.isArray(version.variants) || version.variants.length === 0) fail(`${vAt}.variants`, 'must list at least one variant');
    version.variants.forEach((variant: unknown, i) => {
      const iAt = `${vAt}.variants[${i}]`;
      if (!isObject(variant) || !isPrecision(variant.precision)) fail(`${iAt}.precision`, `must be one of ${PRECISIONS.join(', ')}`);
      if (!Array.isArray(variant.files) || variant.files.length === 0) fail(`${iAt}.files`, 'must list at least one file');
      if (variant.files.length > MAX_FILES) fail(`${iAt}.files`, `lists ${variant.files.length} files; at most ${MAX_FILES}`);
      checkAgreement(variant.agreement, `${iAt}.agreement`);
      variant.files.forEach((file: unknown, f) => {
        const fAt = `${iAt}.files[${f}]`;
        if (!isObject(file) || typeof file.url !== 'string') fail(fAt, 'needs a url');
        // Bounded here, before a download allocates the size: 2**53 - 1 must be refused, not thrown on.
        if (!Number.isInteger(file.bytes) || (file.bytes as number) <= 0 || (file.bytes as number) > MAX_FILE_BYTES) {
          fail(`${fAt}.bytes`, `must be a positive integer of at most ${MAX_FILE_BYTES}`);
        }
        if (typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256)) fail(`${fAt}.sha256`, 'must be 64 lowercase hex digits');
      });
      if (model.format === 'onnx') checkOnnxFiles(variant.files as { url: string }[], `${iAt}.files`);
    });
  });
}

export function validateManifest(value: unknown): Manifest {
  if (!isObject(value)) fail('(root)', 'is not a JSON object');
  if (value.schemaVersion !== 1) fail('schemaVersion', `unsupported ${String(value.schemaVersion)} (this runtime reads 1)`);
  if (!Array.isArray(value.models)) fail('models', 'must be an array');
  const seen = new Set<string>();
  value.models.forEach((model: unknown, i) => {
    checkModel(model, `models[${i}]`);
    const id = (model as ModelEntry).id;
    if (seen.has(id)) fail(`models[${i}].id`, `duplicate id ${id}`);
    seen.add(id);
  });
  return value as unknown as Manifest;
}
