/** Compile-time checks of the task and error-explanation API added for the playground and drop-in. */
import { explainError, loadOcr, type ErrorExplanation, type Ocr, type OcrResult, type Runtime } from '../../src/index.js';

declare const runtime: Runtime;
declare const image: ImageData;

export async function typesOfOcr(): Promise<void> {
  const ocr: Ocr = await loadOcr(runtime, { precision: { det: 'fp32', rec: 'int8' }, backend: 'wasm', useCls: false });
  const result: OcrResult = await ocr.recognize(image);
  const first: string | undefined = result.lines[0]?.text;
  void first;
  // @ts-expect-error precision is a Precision, not any string
  await loadOcr(runtime, { precision: 'int4' });
  const explained: ErrorExplanation = explainError(new Error('x'));
  void explained.hint;
}
