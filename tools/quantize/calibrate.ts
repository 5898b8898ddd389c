/**
 * Calibration for static mode: runs the fp32 model on sample inputs with every tensor that a
 * quantized op reads or writes exposed as an extra output, and records each one's range.
 * 'minmax' keeps the extremes; 'percentile' drops the outer 0.01% of |values| so that one outlier
 * activation doesn't stretch the uint8 grid over values that never occur in practice.
 */
import { onnx } from '../onnx/onnx-proto.js';
import { constantsOf } from '../onnx/graph-walk.js';
import { createSession, ort } from '../ort-node.js';
import type { Feeds } from '../ort-node.js';
import { ToolError } from '../tool-error.js';

export type Range = { min: number; max: number };
export type CalibrationMethod = 'minmax' | 'percentile';

const QUANTIZED_OPS = new Set(['Conv', 'MatMul', 'Gemm']);

/**
 * Activation tensors around quantizable ops of the main graph. The quantizer folds a
 * BatchNormalization that follows a Conv into it, and the folded Conv then writes the BN's output
 * name: that tensor needs a range too, or every Conv+BN pair (most of a CNN) would find no
 * output range and stay float.
 */
function calibrationTargets(model: onnx.IModelProto): string[] {
  const graph = model.graph!;
  const consts = constantsOf(graph);
  const names = new Set<string>();
  const quantizedOutputs = new Set<string>();
  for (const n of graph.node ?? []) {
    if (!QUANTIZED_OPS.has(n.opType ?? '') || !consts.has(n.input?.[1] ?? '')) continue;
    if (n.input?.[0]) names.add(n.input[0]);
    if (n.output?.[0]) {
      names.add(n.output[0]);
      quantizedOutputs.add(n.output[0]);
    }
  }
  for (const n of graph.node ?? []) {
    if (n.opType === 'BatchNormalization' && quantizedOutputs.has(n.input?.[0] ?? '') && n.output?.[0]) names.add(n.output[0]);
  }
  return [...names];
}

function percentileRange(values: Float32Array[], keep: number): Range {
  let total = 0;
  for (const v of values) total += v.length;
  // Sample at most 1M values: ranges are stable long before that, sorting all would be slow.
  const step = Math.max(1, Math.floor(total / 1_000_000));
  const sample: number[] = [];
  for (const v of values) for (let i = 0; i < v.length; i += step) sample.push(v[i]!);
  sample.sort((a, b) => a - b);
  const lo = sample[Math.floor((1 - keep) * (sample.length - 1))] ?? 0;
  const hi = sample[Math.ceil(keep * (sample.length - 1))] ?? 0;
  return { min: lo, max: hi };
}

export async function calibrate(
  model: onnx.ModelProto,
  samples: Feeds[],
  method: CalibrationMethod = 'minmax',
  onProgress?: (done: number, total: number) => void,
): Promise<Map<string, Range>> {
  if (samples.length === 0) throw new ToolError('CALIBRATION', 'static mode needs at least one calibration sample');
  const targets = calibrationTargets(model);
  const probe = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  const outputs = (probe.graph!.output ??= []);
  const existing = new Set(outputs.map((o) => o.name));
  // An output with a name only: onnxruntime infers its type, as its own calibrator relies on.
  for (const t of targets) if (!existing.has(t)) outputs.push(onnx.ValueInfoProto.create({ name: t }));
  const session = await createSession(onnx.ModelProto.encode(probe).finish(), { graphOptimizationLevel: 'disabled' });
  const seen = new Map<string, Float32Array[]>();
  const ranges = new Map<string, Range>();
  try {
    for (const [i, feeds] of samples.entries()) {
      const out = await session.run(feeds);
      for (const t of targets) {
        const v = out[t];
        if (!v || v.type !== 'float32') continue;
        const data = v.data as Float32Array;
        if (method === 'percentile') {
          const list = seen.get(t) ?? [];
          list.push(data.slice());
          seen.set(t, list);
        } else {
          let { min, max } = ranges.get(t) ?? { min: Infinity, max: -Infinity };
          for (let k = 0; k < data.length; k++) {
            const x = data[k]!;
            if (x < min) min = x;
            if (x > max) max = x;
          }
          ranges.set(t, { min, max });
        }
      }
      onProgress?.(i + 1, samples.length);
    }
  } finally {
    await session.release();
  }
  if (method === 'percentile') for (const [t, list] of seen) ranges.set(t, percentileRange(list, 0.9999));
  return ranges;
}
