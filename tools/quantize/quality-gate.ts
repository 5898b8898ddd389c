/**
 * The quality gate: runs the fp32 model and its int8 variant on the same inputs (onnxruntime-web
 * WASM, the kernels a page runs) and measures, per output, metrics that an offset cannot fool:
 * max and mean absolute error and relative error always; then by what the output looks like —
 * probabilities (every fp32 value in [0, 1]): decision agreement at 0.5; a classifier's scores
 * (rows of a softmax, last axis ≥ 2): top-1 agreement per row; anything else (features): cosine.
 * Cosine alone was what let a VAD whose probabilities rose from 0.2 to 0.8 pass.
 */
import { createSession, ort } from '../ort-node.js';
import type { Feeds } from '../ort-node.js';
import type { onnx } from '../onnx/onnx-proto.js';
import { toNum } from '../onnx/long-int.js';
import { ToolError } from '../tool-error.js';
import { rng } from '../rng.js';

export type OutputKind = 'probability' | 'classifier' | 'features';

export interface OutputAgreement {
  name: string;
  kind: OutputKind;
  maxAbs: number;
  /** The 99th percentile of |Δ| (nearest rank: on 100 values or fewer, the max). */
  p99Abs: number;
  meanAbs: number;
  /** mean |int8 − fp32| / mean |fp32|. */
  relative: number;
  /** probability: share of values on the same side of 0.5; classifier: share of rows with the same argmax. */
  agreement: number | null;
  cosine: number;
  passed: boolean;
  /** Why it failed, naming the metric and its threshold. */
  failure?: string;
}

export interface GateThresholds {
  /** Decisions at 0.5 that must agree (probabilities), and top-1 rows (classifiers). */
  minAgreement: number;
  /**
   * Probabilities: the largest tolerated 99th-percentile |Δp|. Not the max: on a dense map (a
   * detector's per-pixel text probability) the pixels right on an edge move most, and one of
   * them flipping says nothing of the variant; on a few values (a VAD's per-chunk probability)
   * the 99th percentile is the max.
   */
  maxP99AbsProbability: number;
  /** Features: minimum cosine and maximum relative error. */
  minCosine: number;
  maxRelative: number;
}

export const DEFAULT_THRESHOLDS: GateThresholds = { minAgreement: 0.95, maxP99AbsProbability: 0.1, minCosine: 0.99, maxRelative: 0.1 };

const PROBABILITY_THRESHOLD = 0.5;

function kindOf(ref: Float32Array, dims: readonly number[]): OutputKind {
  let min = Infinity;
  let max = -Infinity;
  for (const v of ref) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min < 0 || max > 1) return 'features';
  const last = dims[dims.length - 1] ?? 1;
  if (dims.length >= 2 && last >= 2) {
    // Rows summing to 1: a softmax over classes (ocr-cls's 0°/180°, ocr-rec's characters).
    let rowsOk = true;
    for (let r = 0; r < ref.length / last && rowsOk; r++) {
      let sum = 0;
      for (let c = 0; c < last; c++) sum += ref[r * last + c]!;
      rowsOk = Math.abs(sum - 1) < 1e-3;
    }
    if (rowsOk) return 'classifier';
  }
  return 'probability';
}

/** Classifier rows closer than this (in probability) between the two best classes are ties. */
export const TIE_MARGIN = 0.05;

function topMargin(x: Float32Array, from: number, n: number): number {
  let a = -Infinity;
  let b = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[from + i]!;
    if (v > a) {
      b = a;
      a = v;
    } else if (v > b) b = v;
  }
  return a - b;
}

function argmax(x: Float32Array, from: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (x[from + i]! > x[from + best]!) best = i;
  return best;
}

/** Nearest-rank percentile of |got − ref| (NaN counts as infinitely far). */
function percentileAbs(ref: Float32Array, got: Float32Array, q: number): number {
  if (ref.length === 0) return 0;
  const d = new Float32Array(ref.length);
  for (let i = 0; i < ref.length; i++) {
    const x = Math.abs(ref[i]! - got[i]!);
    d[i] = Number.isNaN(x) ? Infinity : x;
  }
  d.sort();
  return d[Math.min(d.length - 1, Math.max(0, Math.ceil(q * d.length) - 1))]!;
}

/** Metrics for one output over all samples (values concatenated sample after sample). */
export function compareOutput(name: string, ref: Float32Array, got: Float32Array, dims: readonly number[], t: GateThresholds = DEFAULT_THRESHOLDS): OutputAgreement {
  const kind = kindOf(ref, dims);
  let maxAbs = 0;
  let sumAbs = 0;
  let sumRef = 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = ref[i]!;
    const b = got[i]!;
    const d = Math.abs(a - b);
    if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
    sumAbs += d;
    sumRef += Math.abs(a);
    dot += a * b;
    na += a * a;
    nb += b * b;
  }
  const n = Math.max(1, ref.length);
  const p99Abs = percentileAbs(ref, got, 0.99);
  const cosine = na === 0 && nb === 0 ? 1 : dot / Math.sqrt(na * nb || 1);
  const relative = sumRef === 0 ? (sumAbs === 0 ? 0 : Infinity) : sumAbs / sumRef;
  let agreement: number | null = null;
  if (kind === 'probability') {
    let same = 0;
    for (let i = 0; i < ref.length; i++) if (ref[i]! >= PROBABILITY_THRESHOLD === got[i]! >= PROBABILITY_THRESHOLD) same++;
    agreement = same / n;
  } else if (kind === 'classifier') {
    const c = dims[dims.length - 1]!;
    const rows = ref.length / c;
    let same = 0;
    let decided = 0;
    for (let r = 0; r < rows; r++) {
      // A row whose two best classes are within TIE_MARGIN is a tie in fp32 itself (random
      // inputs give many): its argmax says nothing about the variant, so it is not counted.
      if (topMargin(ref, r * c, c) < TIE_MARGIN) continue;
      decided++;
      if (argmax(ref, r * c, c) === argmax(got, r * c, c)) same++;
    }
    agreement = decided === 0 ? 1 : same / decided;
  }
  let failure: string | undefined;
  if (kind === 'probability' && p99Abs > t.maxP99AbsProbability) failure = `99th-percentile |Δp| ${p99Abs.toFixed(3)} > ${t.maxP99AbsProbability}`;
  else if (agreement !== null && agreement < t.minAgreement) {
    failure = `${kind === 'probability' ? 'decisions at 0.5' : 'top-1'} agree ${(agreement * 100).toFixed(1)} % < ${(t.minAgreement * 100).toFixed(0)} %`;
  } else if (kind === 'features' && cosine < t.minCosine) failure = `cosine ${cosine.toFixed(4)} < ${t.minCosine}`;
  else if (kind === 'features' && relative > t.maxRelative) failure = `relative error ${relative.toFixed(3)} > ${t.maxRelative}`;
  return { name, kind, maxAbs, p99Abs, meanAbs: sumAbs / n, relative, agreement, cosine, passed: !failure, ...(failure ? { failure } : {}) };
}

/** Symbolic dims: 1 for the first (batch), 64 elsewhere (a size every stride-32 backbone takes). */
const SYMBOLIC_BATCH = 1;
const SYMBOLIC_OTHER = 64;

/**
 * Inputs made from the model's input specs when no calibration data is given: floats uniform in
 * [0, 1) (images, audio magnitudes, features), integers from `intValues` by input name (e.g. a
 * sample rate) or 0, shapes from `dimsByName` where given. A gate on such inputs is coarser than on real data; the CLI says so.
 */
export function generatedInputs(graph: onnx.IGraphProto, count: number, intValues: Record<string, number> = {}, dimsByName: Record<string, number[]> = {}, seed = 1): Feeds[] {
  const consts = new Set((graph.initializer ?? []).map((t) => t.name));
  const inputs = (graph.input ?? []).filter((v) => !consts.has(v.name ?? ''));
  const r = rng(seed);
  return Array.from({ length: count }, () =>
    Object.fromEntries(
      inputs.map((v) => {
        const tt = v.type?.tensorType;
        const dims =
          dimsByName[v.name ?? ''] ??
          (tt?.shape?.dim ?? []).map((d, i) => (d.dimValue != null && toNum(d.dimValue) > 0 ? toNum(d.dimValue) : i === 0 ? SYMBOLIC_BATCH : SYMBOLIC_OTHER));
        const size = dims.reduce((a, b) => a * b, 1);
        const name = v.name ?? '';
        switch (tt?.elemType) {
          case 1:
            return [name, new ort.Tensor('float32', Float32Array.from({ length: size }, r), dims)];
          case 7:
            return [name, new ort.Tensor('int64', new BigInt64Array(size).fill(BigInt(intValues[name] ?? 0)), dims)];
          case 6:
            return [name, new ort.Tensor('int32', new Int32Array(size).fill(intValues[name] ?? 0), dims)];
          default:
            throw new ToolError('UNSUPPORTED_MODEL', `input ${name}: the quality gate cannot generate element type ${tt?.elemType}; pass --calibration`);
        }
      }),
    ),
  );
}

/** Runs both models on `samples` and compares every float output. */
/** fp32's outputs by sample, so the gates of several variants made from one model run fp32 once. */
export type ReferenceOutputs = WeakMap<Feeds, ort.InferenceSession.OnnxValueMapType>;

export async function measureAgreement(
  fp32: Uint8Array,
  int8: Uint8Array,
  samples: Feeds[],
  t: GateThresholds = DEFAULT_THRESHOLDS,
  reference?: ReferenceOutputs,
): Promise<OutputAgreement[]> {
  const b = await createSession(int8);
  // fp32 is opened only when a sample's outputs are not known yet.
  let a: ort.InferenceSession | undefined;
  const ref = new Map<string, { dims: readonly number[]; values: Float32Array[] }>();
  const got = new Map<string, Float32Array[]>();
  try {
    for (const feeds of samples) {
      const known = reference?.get(feeds);
      const ra = known ?? (await (a ??= await createSession(fp32)).run(feeds));
      if (!known) reference?.set(feeds, ra);
      const rb = await b.run(feeds);
      for (const name of Object.keys(ra)) {
        const x = ra[name];
        const y = rb[name];
        if (!x || !y || x.type !== 'float32') continue;
        const entry = ref.get(name) ?? { dims: x.dims, values: [] };
        entry.values.push(x.data as Float32Array);
        ref.set(name, entry);
        got.set(name, [...(got.get(name) ?? []), y.data as Float32Array]);
      }
    }
  } finally {
    await a?.release();
    await b.release();
  }
  return [...ref].map(([name, r]) => compareOutput(name, concat(r.values), concat(got.get(name)!), r.dims, t));
}

/** The parts one after the other, in one array. */
export function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function describeAgreement(o: OutputAgreement): string {
  const extra =
    o.kind === 'probability'
      ? `, decisions at 0.5 agree ${(o.agreement! * 100).toFixed(1)} %`
      : o.kind === 'classifier'
        ? `, top-1 agrees ${(o.agreement! * 100).toFixed(1)} %`
        : `, cosine ${o.cosine.toFixed(4)}`;
  return (
    `${o.name} (${o.kind}): max |Δ| ${o.maxAbs.toPrecision(3)}, p99 |Δ| ${o.p99Abs.toPrecision(3)}, mean |Δ| ${o.meanAbs.toPrecision(3)}, relative ${o.relative.toFixed(4)}${extra}` +
    (o.passed ? '' : ` — FAILS: ${o.failure}`)
  );
}
