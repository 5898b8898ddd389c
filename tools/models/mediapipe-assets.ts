/**
 * MediaPipe's solution packages (@mediapipe/face_mesh, …) ship some of their .tflite models
 * inside one Emscripten packed-assets file; its loader script lists each file's byte range.
 * This reads one model out by name, for the tests and benches that need a model with
 * MediaPipe's own custom ops.
 */
import { readFileSync } from 'node:fs';

/** The bytes of the packed file whose path ends with `name` (e.g. 'face_landmark_with_attention.tflite'). */
export function packedAsset(loaderJs: string, dataFile: string, name: string): Uint8Array {
  const loader = readFileSync(loaderJs, 'utf8');
  for (const m of loader.matchAll(/"filename":\s*"([^"]+)",\s*"start":\s*(\d+),\s*"end":\s*(\d+)/g)) {
    if (m[1]!.endsWith(`/${name}`)) return new Uint8Array(readFileSync(dataFile).subarray(Number(m[2]), Number(m[3])));
  }
  throw new Error(`${loaderJs} lists no ${name}`);
}
