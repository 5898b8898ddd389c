/**
 * The store's own record format, checked on every read. A record written by an older
 * edgeserve, half-migrated, or altered by another script on the origin is either migrated to
 * the current schema or reported invalid (with the reason) — never trusted as it is.
 *
 * Schema versions: 1 is the format before records carried `schema` (same fields); 2 adds
 * `schema: 2`. Reading migrates 1 → 2 in memory; the next write stores 2.
 */
import { isModelFormat, isPrecision, type ModelSpec, type Precision } from '../manifest/schema.js';
import { tensorSpecsProblem } from '../manifest/tensor-spec-check.js';
import type { CachedModel } from '../protocol.js';
import { chunksFor, MAX_FILE_BYTES, MAX_FILES } from './limits.js';

export const ENTRY_SCHEMA = 2;

export interface StoredFile {
  url: string;
  sha256: string;
  bytes: number;
  chunks: number;
}

export interface StoredEntry extends CachedModel {
  schema: typeof ENTRY_SCHEMA;
  files: StoredFile[];
  /** The model's inputs, outputs and labels, so a cached model runs offline without the manifest. */
  spec: ModelSpec;
}

export type EntryCheck = { ok: true; entry: StoredEntry } | { ok: false; reason: string };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown, max: number): value is number => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= max;

function fileProblem(file: unknown, i: number): string | undefined {
  const at = `files[${i}]`;
  if (!isObject(file)) return `${at} is not an object`;
  if (typeof file.url !== 'string') return `${at}.url is not a string`;
  if (typeof file.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(file.sha256)) return `${at}.sha256 is not 64 hex digits`;
  if (!isCount(file.bytes, MAX_FILE_BYTES)) return `${at}.bytes ${String(file.bytes)} is not a size from 0 to ${MAX_FILE_BYTES}`;
  if (file.chunks !== chunksFor(file.bytes)) return `${at}.chunks ${String(file.chunks)} does not fit ${file.bytes} bytes`;
  return undefined;
}

/** The reason `value` is not a sound record for `key`, or the record migrated to the current schema. */
export function checkEntry(value: unknown, key: { id: string; version: string; precision: Precision }): EntryCheck {
  const fail = (reason: string): EntryCheck => ({ ok: false, reason: `stored record of ${key.id} ${key.version} ${key.precision}: ${reason}` });
  if (!isObject(value)) return fail(`is ${value === null ? 'null' : typeof value}, not an object`);
  const schema = value.schema ?? 1;
  if (schema !== 1 && schema !== ENTRY_SCHEMA) return fail(`schema ${String(schema)} is not one this runtime reads (1, ${ENTRY_SCHEMA})`);
  if (value.id !== key.id || value.version !== key.version || value.precision !== key.precision) return fail('names another model, version or precision');
  if (!isPrecision(value.precision)) return fail(`precision ${String(value.precision)} is unknown`);
  if (!Array.isArray(value.files) || value.files.length === 0 || value.files.length > MAX_FILES) return fail(`files is not a list of 1 to ${MAX_FILES} files`);
  for (const [i, file] of value.files.entries()) {
    const problem = fileProblem(file, i);
    if (problem) return fail(problem);
  }
  const files = value.files as StoredFile[];
  if (value.bytes !== files.reduce((n, f) => n + f.bytes, 0)) return fail(`bytes ${String(value.bytes)} is not the sum of its files`);
  if (!isCount(value.storedAt, Number.MAX_SAFE_INTEGER) || !isCount(value.lastUsedAt, Number.MAX_SAFE_INTEGER)) return fail('storedAt/lastUsedAt are not times');
  const spec = value.spec;
  if (!isObject(spec) || spec.id !== key.id || !isModelFormat(spec.format)) return fail('spec is missing or names another model');
  const specProblem = tensorSpecsProblem(spec.inputs, 'spec.inputs') ?? tensorSpecsProblem(spec.outputs, 'spec.outputs');
  if (specProblem) return fail(`${specProblem.at} ${specProblem.message}`);
  // Schema 1 → 2 only adds the version field; the fields were checked above.
  return { ok: true, entry: { ...(value as unknown as StoredEntry), schema: ENTRY_SCHEMA } };
}
