/**
 * The `edgeserve` command (Node only). Each command has --help; progress goes to stderr so
 * stdout stays clean for scripts; every ToolError becomes a one-line message and exit code 1
 * (2 for bad usage), never a stack trace.
 */
import { parseArgs } from 'node:util';
import { makeInt8Variant } from '../make-int8-variant.js';
import { packModel } from '../pack.js';
import { packFolder, HF_VARIANTS } from '../pack-folder.js';
import { statSync } from 'node:fs';
import { externalizeFile } from '../externalize.js';
import { loadCalibration } from '../quantize/calibration-data.js';
import { DEFAULT_THRESHOLDS, TIE_MARGIN } from '../quantize/quality-gate.js';

/** The gate's thresholds are printed from the gate's own constants: one source for them. */
const pct = (share: number) => `${Math.round(share * 100)} %`;
import { readModelFile } from '../onnx/model-io.js';
import { onnx } from '../onnx/onnx-proto.js';
import { toNum } from '../onnx/long-int.js';
import { ToolError } from '../tool-error.js';
import { showOrtWarnings } from '../ort-node.js';
import type { QuantMode } from '../quantize/quantize-model.js';
import { isPrecision, PRECISIONS } from '../../src/manifest/schema.js';
import { DEFAULT_Q4_BLOCK_SIZE } from '../quantize/quantize-model.js';
import { isValidBlockSize } from '../quantize/matmul-nbits.js';

const MAIN_HELP = `edgeserve — tools for models served by edgeserve

Usage: edgeserve <command> [options]

Commands:
  quantize <in.onnx> -o <out.onnx>   make an int8 variant (no Python)
  pack <model.onnx|.json|.tflite>    add models to a manifest (bytes, SHA-256, inputs/outputs)
  externalize <model.onnx>           split a model into graph + external data (model.onnx_data)

Run 'edgeserve <command> --help' for a command's options.`;

const QUANTIZE_HELP = `Usage: edgeserve quantize <in.onnx> -o <out.onnx> [options]

Options:
  -o, --output <file>        where to write the quantized model (written atomically)
  --mode <m>                 dynamic (default): int8 weights, activations quantized at run time
                             static: QDQ with activation ranges from --calibration
                             weight-only: int8 weights dequantized to float at load (WebGPU)
                             fp16: float16 weights, Cast to float32 at load; inputs, outputs and
                               compute stay float32 (half the bytes)
                             q4: 4-bit MatMul/Gemm weights in com.microsoft MatMulNBits, block-wise
                               (onnxruntime's MatMul4BitsQuantizer layout)
  --block-size <n>           q4: weights per scale along K, a power of 2 ≥ 16 (default ${DEFAULT_Q4_BLOCK_SIZE})
  --symmetric                q4: symmetric blocks, no zero points (default asymmetric)
  --per-channel              one scale per output channel (default on; --no-per-channel to disable)
  --calibration <path>       .npy, .json or a directory of them (static mode)
  --calibration-method <m>   minmax (default) or percentile
  --exclude <list>           comma-separated node names or op types to keep in float
                             (fp16: weight names or Constant node names to keep float32)
  --convs <p>                dynamic mode: dense (default: depthwise convs get weight-only int8),
                             all, or none; static mode: all also quantizes depthwise convs
  --no-gate                  skip the quality gate (below)
  --ignore-gate              run the gate and print it, but write the model even if it fails
  --verbose                  also print onnxruntime's own warnings (hidden by default)
  -h, --help                 this help

A model with external data (model.onnx + model.onnx_data) is read with its data files; the
int8 model is written as one file.

Quality gate (on by default): fp32 and int8 run on the --calibration samples, or on inputs
generated from the model's input specs (floats uniform in [0, 1), symbolic dims 1 then 64). Per
output it prints max/mean |Δ| and relative error, then: probabilities (values in [0, 1]):
decisions at 0.5 must agree on ≥ ${pct(DEFAULT_THRESHOLDS.minAgreement)} and the 99th percentile of |Δp| be
≤ ${DEFAULT_THRESHOLDS.maxP99AbsProbability}; classifiers (softmax rows): top-1 must agree on ≥ ${pct(DEFAULT_THRESHOLDS.minAgreement)} of rows (rows whose two
best classes are within ${TIE_MARGIN} are ties, not counted); other outputs (features): cosine ≥ ${DEFAULT_THRESHOLDS.minCosine}
and relative error ≤ ${DEFAULT_THRESHOLDS.maxRelative}.
Below that: exit code 1 and no output file.`;

const PACK_HELP = `Usage: edgeserve pack <model.onnx|model.json|model.tflite> [more ...] --manifest <manifest.json> [options]
       edgeserve pack <folder> --manifest <manifest.json> [--id <id>] [--version <v>]

Adds or updates each model's variant in the manifest (created if missing). Takes ONNX models: a
single .onnx file, or a graph whose weights are in external data files (model.onnx +
model.onnx_data): every file is recorded, graph first, each data file at its location beside
the graph; a missing data file is an error.
Takes TensorFlow.js models too: a model.json (graph model from tensorflowjs_converter, or layers
model) with its weight files beside it: inputs and outputs from its signature (layers: its input
and output layers), model.json then every weight file recorded (id: the folder's name for a
model.json, else the file name without .json).
Takes TFLite models (.tflite, run by LiteRT.js): inputs and outputs from the flatbuffer (its first
signature, else subgraph 0); a custom op LiteRT.js lacks is named in a warning.
A folder laid out as Hugging Face ONNX exports are (<folder>/onnx/ or <folder>/ holding
${HF_VARIANTS.map(([f, p]) => `${f} (${f === 'model_quantized.onnx' ? 'int8 or uint8, as its weights are' : p})`).join(', ')}, each with its external data) becomes ONE
model (id: the folder's name) with a variant per file, precision from the file name.
Options:
  -m, --manifest <file>      manifest JSON to update (required)
  --id <id>                  model id (default: file name without .onnx / .int8.onnx)
  --version <v>              version (default 1.0.0)
  --precision <p>            ${PRECISIONS.join(' | ')} (default: read from the model)
  --url <url>                the graph's URL in the manifest (default: path relative to the
                             manifest); data files get URLs beside it
  --recipe <text>            how the variant was made (default: stamped by quantize)
  -h, --help                 this help`;

const EXTERNALIZE_HELP = `Usage: edgeserve externalize <model.onnx> [--out <dir>] [--threshold <bytes>]

Moves a single-file ONNX model's weights into one external data file, as onnx's
convert_model_to_external_data does: writes <dir>/model.onnx (the graph) and
<dir>/model.onnx_data (the weights). Weights are moved byte for byte: outputs do not change.
Tensors of 1 MiB or more start at a multiple of 4096 bytes in the data file.
Options:
  -o, --out <dir>            where to write both files (default: the model's own folder,
                             replacing the single file in place)
  --threshold <bytes>        initializers with at least this many bytes move (default 1024)
  -h, --help                 this help

Then: edgeserve pack <dir>/model.onnx --manifest <manifest.json> records both files.`;

const progress = (msg: string): void => {
  process.stderr.write(`edgeserve: ${msg}\n`);
};

async function quantize(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    allowNegative: true,
    options: {
      output: { type: 'string', short: 'o' },
      mode: { type: 'string', default: 'dynamic' },
      'per-channel': { type: 'boolean', default: true },
      calibration: { type: 'string' },
      'calibration-method': { type: 'string', default: 'minmax' },
      exclude: { type: 'string' },
      convs: { type: 'string', default: 'dense' },
      gate: { type: 'boolean', default: true },
      'ignore-gate': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
      'block-size': { type: 'string' },
      symmetric: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void console.log(QUANTIZE_HELP);
  showOrtWarnings(values.verbose);
  const input = positionals[0];
  if (!input || !values.output) throw new ToolError('BAD_ARGUMENT', `quantize needs <in.onnx> and -o <out.onnx>\n\n${QUANTIZE_HELP}`);
  const mode = values.mode as QuantMode;
  if (!['dynamic', 'static', 'weight-only', 'fp16', 'q4'].includes(mode)) throw new ToolError('BAD_ARGUMENT', `--mode must be dynamic, static, weight-only, fp16 or q4`);
  const blockSize = values['block-size'] === undefined ? undefined : Number(values['block-size']);
  if (blockSize !== undefined && (mode !== 'q4' || !isValidBlockSize(blockSize))) {
    throw new ToolError(
      'BAD_ARGUMENT',
      mode !== 'q4' ? '--block-size applies to --mode q4 only' : `--block-size must be a power of 2 of at least 16, as MatMulNBits requires (got "${values['block-size']}")`,
    );
  }
  if (values.symmetric && mode !== 'q4') throw new ToolError('BAD_ARGUMENT', '--symmetric applies to --mode q4 only');
  const calibration = values.calibration ? loadCalibration(values.calibration, readModelFile(input).model.graph?.input?.[0]?.name ?? 'x') : undefined;
  const started = performance.now();
  const result = await makeInt8Variant(input, values.output, {
    mode,
    perChannel: values['per-channel'],
    calibration,
    calibrationMethod: values['calibration-method'] === 'percentile' ? 'percentile' : 'minmax',
    exclude:
      values.exclude
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean) ?? [],
    convs: values.convs as 'dense',
    onProgress: progress,
    ...(blockSize !== undefined ? { blockSize } : {}),
    ...(mode === 'q4' ? { symmetric: values.symmetric } : {}),
    gate: !values.gate ? false : values['ignore-gate'] ? 'report' : true,
  });
  if (result.bytesOut === 0) throw nothingToQuantize(input, mode);
  const ops = Object.entries(result.quantized)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
  console.log(
    `${values.output}: ${result.precision}, ${ops}; ${(result.bytesIn / 1e6).toFixed(2)} MB → ${(result.bytesOut / 1e6).toFixed(2)} MB ` +
      `(${(result.bytesOut / result.bytesIn).toFixed(3)}×) in ${((performance.now() - started) / 1000).toFixed(1)} s [${result.recipe}]` +
      (result.agreement
        ? `; gate ${result.agreement.passed ? 'passed' : 'FAILED (written: --ignore-gate)'} on ${result.agreement.samples} ${result.agreement.inputs} samples`
        : ''),
  );
}

/** Float16 initializers of ≥ 256 elements: weights quantize does not take (it reads float32 ones). */
function float16Weights(input: string): number {
  const { model } = readModelFile(input);
  return (model.graph?.initializer ?? []).filter((t) => t.dataType === onnx.TensorProto.DataType.FLOAT16 && (t.dims ?? []).reduce<number>((n, d) => n * toNum(d), 1) >= 256).length;
}

/** Exit non-zero (a build script must not go on without its output), saying what would work. */
function nothingToQuantize(input: string, mode: QuantMode): ToolError {
  const takes =
    mode === 'fp16'
      ? 'float32 initializers and Constant tensors'
      : mode === 'q4'
        ? 'MatMul with a constant 2-D B, Gemm with alpha 1 and A not transposed'
        : mode === 'weight-only'
          ? 'Conv, ConvTranspose, MatMul, Gemm, LSTM, GRU, Gather on embedding tables'
          : 'Conv, MatMul, Gemm, LSTM, Gather on embedding tables';
  const fp16 = float16Weights(input);
  const instead =
    fp16 > 0
      ? `its weights are float16 (${fp16} tensors), which edgeserve quantize does not take: quantize the model's float32 export`
      : mode === 'fp16' || mode === 'weight-only'
        ? `the model has no float32 weights of ≥ 256 elements${mode === 'fp16' ? '' : ' on those ops'}: there is nothing ${mode} makes smaller`
        : mode === 'q4'
          ? 'try --mode weight-only (int8 weights of Conv and other ops too) or --mode fp16'
          : 'try --mode weight-only (int8 weights, float compute: also ConvTranspose and GRU), or check --exclude';
  return new ToolError(
    'NOTHING_TO_QUANTIZE',
    `${input}: nothing to quantize in ${mode} mode (it takes ${takes} with constant float32 weights of ≥ 256 elements); no file written. ${instead}`,
  );
}

function pack(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      manifest: { type: 'string', short: 'm' },
      id: { type: 'string' },
      version: { type: 'string' },
      precision: { type: 'string' },
      url: { type: 'string' },
      recipe: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(PACK_HELP);
  if (positionals.length === 0 || !values.manifest) throw new ToolError('BAD_ARGUMENT', `pack needs models and --manifest\n\n${PACK_HELP}`);
  if (values.precision !== undefined && !isPrecision(values.precision)) {
    throw new ToolError('BAD_ARGUMENT', `--precision must be one of ${PRECISIONS.join(', ')} (got "${values.precision}")`);
  }
  if (positionals.length > 1 && (values.url || values.id)) throw new ToolError('BAD_ARGUMENT', '--url/--id name one model: pack one file at a time with them');
  for (const [i, file] of positionals.entries()) {
    progress(`packing ${file} (${i + 1}/${positionals.length})`);
    if (isDirectory(file)) {
      if (values.precision || values.url) throw new ToolError('BAD_ARGUMENT', '--precision/--url name one file: a folder takes each precision from its file names');
      const r = packFolder(file, { manifest: values.manifest, id: values.id, version: values.version, recipe: values.recipe });
      for (const v of r.variants) {
        console.log(`${r.entry.id} ${v.precision}: ${v.files.map((f) => `${f.url} ${f.bytes} bytes`).join(', ')}`);
      }
      for (const s of r.skipped) progress(`skipped ${s}`);
      if (r.copiedTo.length) progress(`${file} is outside the manifest's folder: copied to ${r.copiedTo.join(', ')}`);
      continue;
    }
    const { entry, variant, copiedTo, warnings } = packModel(file, {
      manifest: values.manifest,
      id: values.id,
      version: values.version,
      precision: isPrecision(values.precision) ? values.precision : undefined,
      url: values.url,
      recipe: values.recipe,
    });
    const [graph, ...data] = variant.files;
    const tfjs = entry.format === 'tfjs';
    const kind = tfjs ? ', TensorFlow.js' : entry.format === 'tflite' ? ', TFLite (LiteRT.js)' : `, opset ${variant.opset}`;
    console.log(
      `${entry.id} ${variant.precision}: ${graph!.bytes} bytes, sha256 ${graph!.sha256.slice(0, 12)}…${kind}` +
        data.map((d) => `; ${tfjs ? 'weights' : 'external data'} ${d.url}: ${d.bytes} bytes, sha256 ${d.sha256.slice(0, 12)}…`).join(''),
    );
    if (copiedTo) progress(`${file} is outside the manifest's folder: copied to ${copiedTo.join(', ')} (url "${graph!.url}")`);
    for (const warning of warnings ?? []) progress(`warning: ${warning}`);
    const version = entry.versions.find((v) => v.variants.includes(variant))!;
    if (!version.variants.some((v) => v.precision === 'fp32')) {
      // load(id) asks for fp32 unless told otherwise: a version without one loads only by name.
      progress(
        `warning: ${entry.id} ${version.version} has no fp32 variant, and load('${entry.id}') asks for fp32: ` +
          `load it with { precision: '${variant.precision}' }, or pack with --precision fp32 if this file is the model's reference`,
      );
    }
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function externalize(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { out: { type: 'string', short: 'o' }, threshold: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) return void console.log(EXTERNALIZE_HELP);
  if (positionals.length !== 1) throw new ToolError('BAD_ARGUMENT', `externalize takes one model\n\n${EXTERNALIZE_HELP}`);
  const threshold = values.threshold === undefined ? undefined : Number(values.threshold);
  if (threshold !== undefined && !(Number.isSafeInteger(threshold) && threshold >= 0)) {
    throw new ToolError('BAD_ARGUMENT', `--threshold must be a whole number of bytes (got "${values.threshold}")`);
  }
  const r = externalizeFile(positionals[0]!, { ...(values.out ? { outDir: values.out } : {}), ...(threshold !== undefined ? { threshold } : {}) });
  console.log(`${r.graphPath}: graph, ${r.graphBytes} bytes; ${r.dataPath}: ${r.tensors} initializers, ${r.dataBytes} bytes`);
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      console.log(MAIN_HELP);
      return command ? 0 : 2;
    }
    if (command === 'quantize') await quantize(rest);
    else if (command === 'pack') pack(rest);
    else if (command === 'externalize') externalize(rest);
    else throw new ToolError('BAD_ARGUMENT', `unknown command '${command}'\n\n${MAIN_HELP}`);
    return 0;
  } catch (err) {
    if (err instanceof ToolError) {
      process.stderr.write(`edgeserve: error: ${err.message}\n`);
      return err.code === 'BAD_ARGUMENT' ? 2 : 1;
    }
    // parseArgs throws TypeError with ERR_PARSE_ARGS_* codes for unknown/invalid options.
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`edgeserve: error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
