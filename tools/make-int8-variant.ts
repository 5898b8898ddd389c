/**
 * One call for `npm run models` and the CLI: read an fp32 ONNX file, quantize it, write the
 * result atomically. The recipe is also stamped into the model's metadata_props, so
 * `edgeserve pack` can record how a file was made without being told.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from './onnx/onnx-proto.js';
import { DEFAULT_THRESHOLDS, describeAgreement, generatedInputs, measureAgreement } from './quantize/quality-gate.js';
import type { GateThresholds, ReferenceOutputs } from './quantize/quality-gate.js';
import { readModelFile, writeModelFile } from './onnx/model-io.js';
import { inlineExternalData } from './onnx/external-data.js';
import { quantizeModel } from './quantize/quantize-model.js';
import type { QuantMode } from './quantize/quantize-model.js';
import type { ConvPolicy } from './quantize/dynamic.js';
import { calibrate } from './quantize/calibrate.js';
import type { CalibrationMethod } from './quantize/calibrate.js';
import type { Feeds } from './ort-node.js';
import type { Precision, VariantAgreement } from '../src/manifest/schema.js';
import { ToolError } from './tool-error.js';

export const RECIPE_KEY = 'edgeserve.recipe';
export const PRECISION_KEY = 'edgeserve.precision';
/** The gate's measurement (JSON), so `pack` records it, a failed one (--ignore-gate) included. */
export const AGREEMENT_KEY = 'edgeserve.agreement';

export interface Int8VariantOptions {
  /** Default 'dynamic' (no calibration data needed; fastest on WASM here, see README). */
  mode?: QuantMode;
  /** Default true: per-tensor int8 breaks ocr-rec (empty decodes). */
  perChannel?: boolean;
  exclude?: string[];
  convs?: ConvPolicy;
  /** Static mode: sample inputs run through the fp32 model. */
  calibration?: Feeds[];
  /** Static mode, when `calibration` is not given: makes the samples on demand (npm run models' recipes). */
  calibrationSamples?: () => Promise<Feeds[]>;
  calibrationMethod?: CalibrationMethod;
  /**
   * The quality gate (default on): fp32 and int8 run on the calibration samples, or on inputs
   * generated from the model's input specs; below the thresholds nothing is written and a
   * GATE_FAILED error names the output and metric. false skips it; 'report' measures but writes anyway.
   */
  gate?: boolean | 'report';
  thresholds?: GateThresholds;
  /** Real inputs for the gate when there is no calibration data (they calibrate nothing). */
  gateSamples?: () => Feeds[] | Promise<Feeds[]>;
  /** fp32's outputs on the gate's samples, shared by the variants made from one fp32 file (npm run models: int8, fp16, q4). */
  gateReference?: ReferenceOutputs;
  /** Generated gate inputs: values for integer inputs by name (e.g. silero-vad's sr: 16000). */
  gateIntInputs?: Record<string, number>;
  /** Generated gate inputs: shapes by input name where the model leaves dims symbolic. */
  gateInputDims?: Record<string, number[]>;
  /** q4 mode: weights per scale along K (default 32), and symmetric blocks (default asymmetric). */
  blockSize?: number;
  symmetric?: boolean;
  onProgress?: (message: string) => void;
}

const PRECISION_OF: Record<QuantMode, Precision> = { dynamic: 'int8', static: 'int8', 'weight-only': 'int8-weight-only', fp16: 'fp16', q4: 'q4' };

/** What to try when a mode fails its gate, never the mode that just failed. */
function gateAdvice(mode: QuantMode, blockSize: number | undefined): string {
  if (mode === 'fp16') return "Try --exclude for the weights beyond float16's range or precision, or --no-gate to write it anyway";
  if (mode === 'q4') {
    const smaller = (blockSize ?? 32) > 16 ? `--block-size ${(blockSize ?? 32) / 2} (smaller blocks, more scales), ` : '';
    return `Try ${smaller}--exclude for the sensitive MatMuls, --mode weight-only (int8) or --mode fp16, or --no-gate to write it anyway`;
  }
  const modes = mode === 'weight-only' ? ', --mode fp16' : ', --mode weight-only';
  return `Try --exclude for the sensitive layers${modes}, or --no-gate to write it anyway`;
}

export interface Int8VariantResult {
  recipe: string;
  precision: Precision;
  bytesIn: number;
  bytesOut: number;
  /** ai.onnx opset of the written model (raised to 11/13 when the integer ops need it). */
  opset: number;
  /** Quantized node count by op type; empty means nothing was worth quantizing (no file written). */
  quantized: Record<string, number>;
  /** What the quality gate measured (absent when it was off or nothing was quantized). */
  agreement?: VariantAgreement;
}

/** Samples the gate runs when it generates inputs: enough for a verdict, quick on a laptop. */
const GENERATED_GATE_SAMPLES = 8;
/** Calibration sets can be large; the gate's verdict is settled well before this many. */
const GATE_MAX_SAMPLES = 8;

async function runGate(fp32: Uint8Array, int8: Uint8Array, model: onnx.IModelProto, opts: Int8VariantOptions): Promise<{ agreement: VariantAgreement; failures: string[] }> {
  const given = opts.calibration?.length ? opts.calibration : await opts.gateSamples?.();
  const fromCalibration = (given?.length ?? 0) > 0;
  const samples = fromCalibration ? given! : generatedInputs(model.graph!, GENERATED_GATE_SAMPLES, opts.gateIntInputs, opts.gateInputDims);
  const outputs = await measureAgreement(fp32, int8, samples.slice(0, GATE_MAX_SAMPLES), opts.thresholds ?? DEFAULT_THRESHOLDS, opts.gateReference).catch((err: unknown) => {
    // Generated inputs can be wrong for a model (a sample rate of 0, a too-short signal): say
    // what would work rather than surface an engine error as if the variant were broken.
    const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ToolError(
      'GATE_FAILED',
      fromCalibration
        ? `the quality gate could not run the models on the given samples: ${why}`
        : `the quality gate could not run the model on inputs generated from its input specs (${why}); pass --calibration with real samples, or --no-gate`,
    );
  });
  for (const o of outputs) opts.onProgress?.(`gate: ${describeAgreement(o)}`);
  const agreement: VariantAgreement = {
    inputs: fromCalibration ? 'calibration' : 'generated',
    samples: Math.min(samples.length, GATE_MAX_SAMPLES),
    passed: outputs.every((o) => o.passed),
    outputs: outputs.map(({ name, kind, maxAbs, p99Abs, meanAbs, relative, agreement: a, cosine }) => ({ name, kind, maxAbs, p99Abs, meanAbs, relative, agreement: a, cosine })),
  };
  return { agreement, failures: outputs.filter((o) => !o.passed).map((o) => `${o.name}: ${o.failure}`) };
}

/** One protobuf holds at most 2 GiB: a bigger fp32 model cannot be run whole here, so say so. */
function encodeWhole(model: onnx.IModelProto, label: string): Uint8Array {
  try {
    return onnx.ModelProto.encode(model).finish();
  } catch (err) {
    throw new ToolError(
      'UNSUPPORTED_MODEL',
      `${label} with its external data is too big to quantize in one piece here ` + `(${err instanceof Error ? err.message : String(err)}); quantize works on models under 2 GB`,
    );
  }
}

function setMetadata(model: onnx.ModelProto, key: string, value: string): void {
  model.metadataProps = model.metadataProps.filter((p) => p.key !== key);
  model.metadataProps.push(onnx.StringStringEntryProto.create({ key, value }));
}

export async function makeInt8Variant(inPath: string, outPath: string, opts: Int8VariantOptions = {}): Promise<Int8VariantResult> {
  const mode = opts.mode ?? 'dynamic';
  const log = opts.onProgress ?? (() => {});
  const { model, baseDir, bytes: graphBytes } = readModelFile(inPath);
  // External data is read into the model: the gate and calibration run it in one buffer, and the
  // int8 output is one self-contained file (the fp32 data file is not dragged along beside it).
  const dataFiles = inlineExternalData(model, baseDir);
  const bytes = graphBytes + dataFiles.reduce((sum, location) => sum + statSync(join(baseDir, location)).size, 0);
  if (dataFiles.length) log(`read external data: ${dataFiles.join(', ')}`);
  const fp32Bytes = dataFiles.length ? encodeWhole(model, inPath) : undefined;
  let ranges: Awaited<ReturnType<typeof calibrate>> | undefined;
  if (mode === 'static' && !opts.calibration?.length && opts.calibrationSamples) {
    opts = { ...opts, calibration: await opts.calibrationSamples() };
  }
  if (mode === 'static') {
    if (!opts.calibration?.length) throw new ToolError('CALIBRATION', 'static mode needs calibration data (--calibration)');
    log(`calibrating on ${opts.calibration.length} samples`);
    ranges = await calibrate(model, opts.calibration, opts.calibrationMethod ?? 'minmax', (d, t) => log(`calibration ${d}/${t}`));
  }
  log(`quantizing (${mode})`);
  const report = quantizeModel(
    model,
    baseDir,
    {
      mode,
      perChannel: opts.perChannel ?? true,
      exclude: opts.exclude ?? [],
      convs: opts.convs ?? 'dense',
      ranges,
      ...(opts.blockSize !== undefined ? { blockSize: opts.blockSize } : {}),
      ...(opts.symmetric !== undefined ? { symmetric: opts.symmetric } : {}),
    },
    inPath,
  );
  const precision = PRECISION_OF[mode];
  if (Object.keys(report.quantized).length === 0) {
    return { recipe: report.recipe, precision, bytesIn: bytes, bytesOut: 0, opset: report.opsetAfter, quantized: {} };
  }
  setMetadata(model, RECIPE_KEY, report.recipe);
  setMetadata(model, PRECISION_KEY, precision);
  let agreement: VariantAgreement | undefined;
  if (opts.gate !== false) {
    log(`quality gate: fp32 vs ${precision} on ${opts.calibration?.length || opts.gateSamples ? 'real samples' : 'inputs generated from the input specs'}`);
    const gate = await runGate(fp32Bytes ?? readFileSync(inPath), onnx.ModelProto.encode(model).finish(), model, opts);
    agreement = gate.agreement;
    if (!agreement.passed && opts.gate !== 'report') {
      const failed = gate.failures.join('; ');
      throw new ToolError('GATE_FAILED', `${inPath}: the ${precision} variant disagrees with fp32 (${failed}); no file written. ` + gateAdvice(mode, opts.blockSize));
    }
    setMetadata(model, AGREEMENT_KEY, JSON.stringify(agreement));
  }
  log(`writing ${outPath}`);
  const bytesOut = writeModelFile(outPath, model, baseDir);
  return { recipe: report.recipe, precision, bytesIn: bytes, bytesOut, opset: report.opsetAfter, quantized: report.quantized, ...(agreement ? { agreement } : {}) };
}
