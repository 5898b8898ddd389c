/**
 * What a file given to `pack` is, told from its name and first bytes before anything decodes
 * it: a protobuf decoder fed a TF.js model.json or a .tflite flatbuffer reports "invalid wire
 * type", which tells the user nothing about what the command takes.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { ToolError } from './tool-error.js';

export type SniffedFormat = 'onnx' | 'tfjs-json' | 'tflite' | 'onnx-data' | 'unknown';

/** What pack takes today, for every message that refuses a file. */
export const PACK_TAKES =
  'an ONNX model (.onnx: a single file, or a graph with its external data files beside it) or a TensorFlow.js model.json (graph or layers model, its weight files beside it) or a TFLite model (.tflite, run by LiteRT.js)';

function head(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = new Uint8Array(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** TFLite flatbuffers carry the file identifier "TFL3" at bytes 4–7. */
const isTflite = (b: Uint8Array): boolean => b.length >= 8 && String.fromCharCode(...b.subarray(4, 8)) === 'TFL3';
const isJson = (b: Uint8Array): boolean => {
  const text = new TextDecoder()
    .decode(b)
    .replace(/^\uFEFF/, '')
    .trimStart();
  return text.startsWith('{') || text.startsWith('[');
};

export function sniffFormat(path: string): SniffedFormat {
  const name = basename(path).toLowerCase();
  const b = head(path, 64);
  if (isTflite(b) || name.endsWith('.tflite')) return 'tflite';
  if (isJson(b)) return 'tfjs-json';
  if (/\.onnx[._-]?data$/.test(name)) return 'onnx-data';
  // ONNX files start with field 1 (ir_version, a varint: tag 0x08) in every exporter seen.
  if (b[0] === 0x08 || name.endsWith('.onnx') || name.endsWith('.ort')) return 'onnx';
  return 'unknown';
}

/** Refuses, naming what pack takes, anything that is not an ONNX graph or a JSON file (a TF.js model.json, checked by its packer). */
export function requirePackable(path: string): 'onnx' | 'tfjs-json' | 'tflite' {
  if (statSync(path).isDirectory()) {
    throw new ToolError('UNSUPPORTED_FORMAT', `${path} is a folder; edgeserve pack takes ${PACK_TAKES}: pass the .onnx file or model.json`);
  }
  const format = sniffFormat(path);
  if (format === 'onnx' || format === 'tfjs-json' || format === 'tflite') return format;
  const what = {
    'onnx-data': 'an ONNX external data file: pack the .onnx graph that names it, and the data files are recorded with it',
    unknown: 'not an ONNX model',
  }[format];
  throw new ToolError('UNSUPPORTED_FORMAT', `${path} is ${what}; edgeserve pack takes ${PACK_TAKES}`);
}
