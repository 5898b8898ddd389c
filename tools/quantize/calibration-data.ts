/**
 * Loads calibration samples for `--calibration`: a .json file (one sample or an array of them,
 * each `{ "<input name>": { "dims": [...], "data": [...] } }`), a .npy file (one float32 array,
 * fed to the model's first input), or a directory of .npy/.json files (one sample each, sorted).
 */
import { readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { extname, join } from 'node:path';
import { ort } from '../ort-node.js';
import type { Feeds } from '../ort-node.js';
import { ToolError } from '../tool-error.js';

/** NumPy .npy v1–v3: magic, header length, a Python-dict header, then C-order data. */
export function parseNpy(buf: Buffer, label: string): { dims: number[]; data: Float32Array } {
  if (buf.length < 10 || buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new ToolError('CALIBRATION', `${label}: not a .npy file`);
  const major = buf[6]!;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr !== '<f4' || /'fortran_order':\s*True/.test(header) || shape === undefined) {
    throw new ToolError('CALIBRATION', `${label}: only little-endian float32 C-order .npy is supported (got ${descr})`);
  }
  const dims = shape
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  const n = dims.reduce((a, b) => a * b, 1);
  const body = buf.subarray(start + headerLen);
  if (body.length < n * 4) throw new ToolError('CALIBRATION', `${label}: truncated .npy`);
  const data = new Float32Array(n);
  new Uint8Array(data.buffer).set(body.subarray(0, n * 4));
  return { dims, data };
}

type JsonTensor = { dims: number[]; data: number[] };

function fromJson(path: string): Feeds[] {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as Record<string, JsonTensor> | Record<string, JsonTensor>[];
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((sample) => Object.fromEntries(Object.entries(sample).map(([name, t]) => [name, new ort.Tensor('float32', Float32Array.from(t.data), t.dims)])));
}

export function loadCalibration(path: string, firstInput: string): Feeds[] {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    throw new ToolError('NOT_FOUND', `${path}: no such calibration file or directory`);
  }
  const one = (file: string): Feeds[] => {
    if (extname(file) === '.json') return fromJson(file);
    if (extname(file) === '.npy') {
      const { dims, data } = parseNpy(readFileSync(file), file);
      return [{ [firstInput]: new ort.Tensor('float32', data, dims) }];
    }
    return [];
  };
  const samples = stat.isDirectory()
    ? readdirSync(path)
        .sort()
        .flatMap((f) => one(join(path, f)))
    : one(path);
  if (samples.length === 0) throw new ToolError('CALIBRATION', `${path}: no .npy or .json samples found`);
  return samples;
}
