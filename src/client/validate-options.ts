/**
 * The options of `createRuntime`, `load` and `predict`, checked before anything starts: a
 * wrong option is the caller's mistake, so it is BAD_INPUT (as a wrong tensor is), with
 * `details.option` naming it. Without this, `backend: 'cuda'` was quietly treated as 'auto'
 * and `maxQueueDelayUs: 1e12` left every predict pending for 11 days.
 *
 * Unknown keys are let through: an app built against a newer edgeserve keeps working.
 */
import { BadInputError } from '../errors.js';
import { MAX_BATCH_SIZE, MAX_QUEUE_DELAY_US, PRECISIONS } from '../manifest/schema.js';
import type { CancelOptions } from './cancel.js';
import type { LogLevel } from '../protocol.js';

/** setTimeout's own limit: a longer delay fires at once in every browser. */
const MAX_TIMER_MS = 2 ** 31 - 1;
const BACKENDS = ['auto', 'webgpu', 'wasm'] as const;
const LOG_LEVELS: readonly LogLevel[] = ['verbose', 'info', 'warning', 'error', 'fatal'];

type Options = Record<string, unknown>;
const show = (value: unknown) => (typeof value === 'string' ? `'${value}'` : typeof value === 'function' ? 'a function' : String(value));

function bad(where: string, option: string, value: unknown, expected: string): never {
  throw new BadInputError(`${where} option ${option}: ${show(value)} is not ${expected}`, {
    option,
    value: typeof value === 'object' || typeof value === 'function' ? show(value) : value,
  });
}

function oneOf(where: string, options: Options, key: string, allowed: readonly string[]): void {
  const value = options[key];
  if (value !== undefined && !allowed.includes(value as string)) bad(where, key, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
}

function integer(where: string, options: Options, key: string, min: number, max: number, name = key): void {
  const value = options[key];
  if (value !== undefined && !(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) bad(where, name, value, `an integer from ${min} to ${max}`);
}

function type(where: string, options: Options, key: string, kind: 'string' | 'boolean' | 'function', nonEmpty = false): void {
  const value = options[key];
  if (value !== undefined && (typeof value !== kind || (nonEmpty && value === ''))) bad(where, key, value, `a${nonEmpty ? ' non-empty' : ''} ${kind}`);
}

function url(where: string, options: Options, key: string): void {
  const value = options[key];
  if (value !== undefined && !(value instanceof URL) && (typeof value !== 'string' || value === '')) bad(where, key, value, 'a URL or a non-empty string');
}

export function validateCancelOptions(where: string, options: CancelOptions): void {
  const o = options as Options;
  integer(where, o, 'timeoutMs', 1, MAX_TIMER_MS);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) bad(where, 'signal', o.signal, 'an AbortSignal');
}

export function validateRuntimeOptions(options: object): void {
  const where = 'createRuntime';
  const o = options as Options;
  url(where, o, 'manifestUrl');
  url(where, o, 'engineAssetsUrl');
  oneOf(where, o, 'backend', BACKENDS);
  integer(where, o, 'wasmThreads', 1, 64);
  oneOf(where, o, 'logLevel', LOG_LEVELS);
  integer(where, o, 'downloadStallMs', 1, MAX_TIMER_MS);
  type(where, o, 'storeName', 'string', true);
  type(where, o, 'deviceId', 'string', true);
  type(where, o, 'persist', 'boolean');
  type(where, o, 'workerFactory', 'function');
  oneOf(where, o, 'host', ['auto', 'shared', 'page']);
  positiveGroup(where, o, 'watchdog', ['floorMs', 'warmFloorMs', 'runMultiple', 'loadFloorMs']);
  positiveGroup(where, o, 'memoryBudget', ['maxBytes', 'bytesPerInputByte']);
}

/** `false` (off) or an object of positive finite numbers. */
function positiveGroup(where: string, options: Options, key: string, fields: string[]): void {
  const group = options[key];
  if (group === undefined || group === false) return;
  if (typeof group !== 'object' || group === null) bad(where, key, group, `false or { ${fields.join(', ')} }`);
  for (const field of fields) {
    const value = (group as Options)[field];
    if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) bad(where, `${key}.${field}`, value, 'a positive number');
  }
}

export function validateLoadOptions(id: unknown, options: object): void {
  const where = 'load';
  if (typeof id !== 'string' || id === '') bad(where, 'id', id, 'a non-empty model id');
  const o = options as Options;
  oneOf(where, o, 'precision', PRECISIONS);
  oneOf(where, o, 'backend', BACKENDS);
  type(where, o, 'version', 'string', true);
  type(where, o, 'onProgress', 'function');
  type(where, o, 'onUpdate', 'function');
  validateCancelOptions(where, o);
  const batching = o.batching;
  if (batching === undefined || batching === false) return;
  if (typeof batching !== 'object' || batching === null) bad(where, 'batching', batching, 'false or { maxBatchSize, maxQueueDelayUs }');
  integer(where, batching as Options, 'maxBatchSize', 1, MAX_BATCH_SIZE, 'batching.maxBatchSize');
  integer(where, batching as Options, 'maxQueueDelayUs', 0, MAX_QUEUE_DELAY_US, 'batching.maxQueueDelayUs');
}
