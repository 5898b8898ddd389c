/**
 * The script of the hashing worker (chunk-hasher.ts): hash-wasm's own browser build, which
 * defines `hashwasm` with its WebAssembly inlined (no file to fetch), and a handler that hashes
 * chunks in order as they come (any order). Kept in a module of its own so the 18 KB string is
 * fetched (a chunk of its own) only by a worker that reads a big model.
 */
import hashWasm from 'hash-wasm/dist/sha256.umd.min.js?raw';
import { COLLECT_NUDGE_BYTES } from '../engines/memory-limits.js';

/**
 * Messages in: `{ c, chunk }` (chunk c, its ArrayBuffer transferred) and `{ end: true }`; out:
 * `{ ready: true }` once hash-wasm is instantiated, `{ hashed: n }` once chunks 0…n−1 are hashed,
 * `{ digest }` for `end`, or `{ error }`.
 *
 * Every second chunk it allocates, and drops, one buffer over V8's 64 MiB external-memory limit,
 * so V8 collects the chunks already hashed (the untouched buffer costs no resident memory; see
 * src/engines/onnx-release.ts). Without it this worker's tiny heap kept them until it ended:
 * 256 MB fed in 4 MiB chunks (Chromium 150, peak RSS over the file's own 268 MB buffer): +168 MB
 * as is, +288 MB with `chunk.transfer(0)` after each, +70 MB sending each back, +38–44 MB with
 * the collection every fourth chunk (every second here: half that pile at most). The buffer's
 * size is the engine's own nudge (COLLECT_NUDGE_BYTES), the one V8 limit both rely on.
 */
const handler = `
let hasher;
let next = 0;
const waiting = new Map();
const ready = hashwasm.createSHA256().then(
  (h) => { hasher = h; hasher.init(); postMessage({ ready: true }); },
  (e) => postMessage({ error: String(e) }),
);
onmessage = ({ data }) => ready.then(() => {
  if (data.end) return postMessage({ digest: hasher.digest('hex') });
  waiting.set(data.c, data.chunk);
  while (waiting.has(next)) {
    const chunk = waiting.get(next);
    waiting.delete(next);
    next += 1;
    hasher.update(new Uint8Array(chunk));
    if (next % 2 === 0) new ArrayBuffer(${COLLECT_NUDGE_BYTES});
    postMessage({ hashed: next });
  }
}).catch((e) => postMessage({ error: String(e) }));
`;

export const hashWorkerSource = `${hashWasm}\n${handler}`;
