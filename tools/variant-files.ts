/**
 * The files of one ONNX variant as the manifest lists them: the graph first, then each external
 * data file it names, each with the URL it is served from and its bytes and SHA-256. The
 * engine mounts a data file under its URL's path relative to the graph's URL, so that path
 * must equal the `location` the graph's tensors give: a data URL is the graph URL's folder
 * plus the location, never anything else.
 */
import { createHash } from 'node:crypto';
import { closeSync, copyFileSync, mkdirSync, openSync, readSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { requireExternalDataFiles } from './onnx/external-data.js';
import type { onnx } from './onnx/onnx-proto.js';
import type { FileEntry } from '../src/manifest/schema.js';

/** Hashed 8 MiB at a time: a multi-GB data file is never read whole into memory. */
const HASH_CHUNK = 8 * 1024 * 1024;

export function digestFile(path: string): { bytes: number; sha256: string } {
  const hash = createHash('sha256');
  const buf = new Uint8Array(HASH_CHUNK);
  const fd = openSync(path, 'r');
  let bytes = 0;
  try {
    for (let n: number; (n = readSync(fd, buf, 0, buf.length, null)) > 0; bytes += n) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** The URL of a file at `location` relative to the graph's URL (absolute URLs resolve as a browser would). */
export function siblingUrl(graphUrl: string, location: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(graphUrl)) return new URL(location, graphUrl).href;
  const dir = posix.dirname(graphUrl);
  return dir === '.' ? posix.normalize(location) : posix.join(dir, location);
}

export interface VariantFilesOptions {
  manifestPath: string;
  id: string;
  version: string;
  /** The graph's URL as given (--url); default: its path relative to the manifest. */
  url?: string;
}

export interface VariantFiles {
  files: FileEntry[];
  /** Where the files were copied when the graph was outside the manifest's folder. */
  copiedTo?: string[];
}

/**
 * Lists (and hashes) the graph and its external data files. A model outside the manifest's
 * folder is copied into it (`<id>/<version>/`, data files at their locations beside the graph):
 * a server that serves the manifest's folder would never serve a `../model.onnx`.
 */
export function variantFiles(graphPath: string, model: onnx.IModelProto, opts: VariantFilesOptions): VariantFiles {
  return servedFiles(graphPath, requireExternalDataFiles(model, dirname(resolve(graphPath)), graphPath), opts);
}

/**
 * The same for any format whose first file names the others at locations relative to it (ONNX
 * external data, a TF.js model.json's weight files): first file, then each sibling, hashed, with
 * the URLs it is served from; copied into the manifest's folder when outside it.
 */
export function servedFiles(mainPath: string, siblings: { path: string; location: string }[], opts: VariantFilesOptions): VariantFiles {
  let graphUrl = opts.url;
  let copiedTo: string[] | undefined;
  let localGraph = mainPath;
  const localData = siblings.map((d) => d.path);
  if (!graphUrl) {
    const manifestDir = dirname(resolve(opts.manifestPath));
    const rel = relative(manifestDir, resolve(mainPath));
    if (!rel.startsWith('..') && !isAbsolute(rel)) {
      graphUrl = rel.split(sep).join('/');
    } else {
      const name = mainPath.split(/[\\/]/).pop()!;
      graphUrl = `${opts.id}/${opts.version}/${name}`;
      const destDir = join(manifestDir, opts.id, opts.version);
      const copies: [string, string][] = [[mainPath, join(destDir, name)], ...siblings.map((d): [string, string] => [d.path, join(destDir, d.location)])];
      for (const [from, to] of copies) {
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(from, to);
      }
      copiedTo = copies.map(([, to]) => to);
      localGraph = copiedTo[0]!;
      localData.splice(0, localData.length, ...copiedTo.slice(1));
    }
  }
  const url = graphUrl;
  const files: FileEntry[] = [{ url, ...digestFile(localGraph) }, ...siblings.map((d, i) => ({ url: siblingUrl(url, d.location), ...digestFile(localData[i]!) }))];
  return { files, ...(copiedTo ? { copiedTo } : {}) };
}
