/**
 * Bounds on sizes and counts read from the store or the manifest, checked before anything is
 * allocated: a record saying `bytes: 2**53 - 1` or `chunks: 2**31` must be a typed refusal,
 * not a RangeError or a loop that grows the tab until it crashes.
 */

/** 4 MiB: big enough that a 100 MB model is 25 puts, small enough to clone without a spike. */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * 2 GiB a file: the most protobuf (ONNX) can describe and more than Chromium will give one
 * ArrayBuffer on most devices; a model past it is refused as a deployment error.
 */
export const MAX_FILE_BYTES = 2 ** 31;

/** Files a variant may list (a tfjs model is model.json plus weight shards). */
export const MAX_FILES = 256;

/** The chunk count a file of `bytes` is stored in; one chunk even for an empty file. */
export const chunksFor = (bytes: number): number => Math.max(1, Math.ceil(bytes / CHUNK_BYTES));
