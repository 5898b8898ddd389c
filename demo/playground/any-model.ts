/**
 * Any model a manifest names that the playground has no subject for (your own, or the scale
 * bench's 64 MB–1 GB ones): loaded like the others, then run on zeros built from its input specs
 * (symbolic dims taken as 1). The card reports what came out: each output's name, dims and dtype.
 */
import type { ModelEntry, Model, TensorMap, TensorSpec } from '../../src/index.js';
import { filled, tensor } from '../../src/tensor.js';
import type { Subject } from './subjects.js';

/** A dim the manifest names (`batch`) or does not know (`?`) is 1: the smallest input the model takes. */
export const concreteDims = (spec: TensorSpec): number[] => spec.dims.map((d) => (typeof d === 'number' && d > 0 ? d : 1));

export function zeroInputs(specs: TensorSpec[]): TensorMap {
  return Object.fromEntries(
    specs.map((s) => {
      const dims = concreteDims(s);
      return [
        s.name,
        tensor(
          s.dtype,
          filled(
            s.dtype,
            dims.reduce((n, d) => n * d, 1),
          ),
          dims,
        ),
      ];
    }),
  );
}

export function anyModelSubject(entry: ModelEntry): Subject {
  return {
    id: entry.id,
    label: `${entry.id} (from the manifest: zero inputs)`,
    input: 'none',
    modelIds: [entry.id],
    agreementNote: 'Run on zero inputs: Diff compares the raw float outputs.',
    async load({ runtime, precision, onProgress }) {
      const model: Model = await runtime.load(entry.id, { precision, onProgress });
      return {
        infos: () => [model.info()],
        async run() {
          // A fresh input per run: predict transfers the buffers.
          const outputs = await model.predict(zeroInputs(entry.inputs));
          const floats = Object.values(outputs).flatMap((t) => (t.data instanceof Float32Array ? [t.data] : []));
          const summary = Object.entries(outputs)
            .map(([name, t]) => `${name} [${t.dims.join(', ')}] ${t.dtype}`)
            .join(' · ');
          return { vectors: floats, decisions: [], summary: summary || '(no outputs)' };
        },
        dispose: () => model.dispose(),
      };
    },
  };
}
