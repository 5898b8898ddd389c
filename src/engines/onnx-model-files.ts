/**
 * What an ONNX variant's files become for `InferenceSession.create`: the graph bytes, and the
 * external data onnxruntime-web mounts by name (the name the graph's `location` gives, which
 * `edgeserve pack` writes relative to the graph's folder). A big single-file model is split here
 * into a small graph + its own bytes as the data file (onnx-external-data.ts).
 */
import type { ModelFile } from './engine.js';
import { externalizeInitializers, externalLocations, externalReferences } from './onnx-external-data.js';

export interface OrtModelInput {
  model: Uint8Array;
  externalData: { path: string; data: Uint8Array }[];
  /** Set when a single-file model's initializers were moved out of its graph. */
  rewritten?: { moved: number; movedBytes: number };
  /** The largest tensor read from external data (0 when none is): WebGPU holds each in one buffer. */
  largestTensor: number;
}

/**
 * From this size a single-file model is split. Measured with onnxruntime-web 1.30, WASM, one
 * thread, in Chromium (peak RSS of all its processes over idle, n = 3): a 256 MB model handed
 * whole peaks at 5.3× its bytes, and a 1 GiB one fails (std::bad_alloc); split, 3.4× (our copy in
 * JS, the weights in the heap, their prepacked copy), and 1 GiB and 1.8 GiB open. Below 16 MB the
 * split saves a few tens of MB at most, and the shipped models (0.6–11 MB) keep the path their
 * start-up figures were measured on (their create times split or not were within this machine's
 * noise).
 */
export const SPLIT_SINGLE_FILE_FROM = 16 * 1024 * 1024;

/** The name the original bytes are mounted under: nothing a packed model's files can be called. */
export const OWN_BYTES_LOCATION = 'edgeserve.model-bytes';

/** `data`'s path relative to the graph's folder (what the packer writes as `location`), else its file name. */
export function relativeLocation(graphUrl: string, dataUrl: string): string | undefined {
  const path = (url: string) => url.split(/[?#]/)[0] ?? '';
  const dir = path(graphUrl).slice(0, path(graphUrl).lastIndexOf('/') + 1);
  const own = path(dataUrl);
  if (!own) return undefined;
  const relative = dir && own.startsWith(dir) ? own.slice(dir.length) : own.slice(own.lastIndexOf('/') + 1);
  return relative ? decodeURIComponent(relative) : undefined;
}

function dataPaths(graph: ModelFile, data: ModelFile[]): string[] {
  const byUrl = data.map((file) => relativeLocation(graph.url, file.url));
  if (byUrl.every((path) => path !== undefined)) return byUrl as string[];
  // Bytes without a URL (read back from the store): the graph's own locations, in the order the
  // packer lists its files (order of first mention), when they account for every file.
  const named = externalLocations(graph.bytes);
  if (named.length === data.length) return named;
  throw new Error(`cannot tell which of ${data.length} external data files is which: the graph names ${named.length} (${named.join(', ')})`);
}

export function ortModelInput(files: ModelFile[], splitFrom: number = SPLIT_SINGLE_FILE_FROM): OrtModelInput {
  const [graph, ...data] = files;
  if (!graph) throw new Error('an ONNX variant needs its graph file');
  const paths = dataPaths(graph, data);
  const externalData = data.map((file, i) => ({ path: paths[i]!, data: file.bytes }));
  const largestExternal = data.length > 0 ? externalReferences(graph.bytes).largestTensor : 0;
  if (graph.bytes.byteLength < splitFrom) return { model: graph.bytes, externalData, largestTensor: largestExternal };
  const split = externalizeInitializers(graph.bytes, OWN_BYTES_LOCATION);
  if (!split) return { model: graph.bytes, externalData, largestTensor: largestExternal };
  return {
    model: split.graph,
    externalData: [{ path: OWN_BYTES_LOCATION, data: graph.bytes }, ...externalData],
    rewritten: { moved: split.moved, movedBytes: split.movedBytes },
    largestTensor: Math.max(largestExternal, split.largestTensor),
  };
}
