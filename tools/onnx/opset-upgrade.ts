/**
 * Raises an ai.onnx opset 7–10 model to opset 11 (and on to 13 for per-channel QDQ), which the integer ops need (MatMulInteger and
 * ConvInteger are opset 10, DynamicQuantizeLinear 11). PaddleOCR's models are opset 9.
 * Only ops whose signature changed between the model's opset and 11 need rewriting; the ones
 * handled here move attributes to constant inputs (Clip, Slice, Pad, TopK). Ops whose meaning
 * changed in ways a local rewrite can't carry (Upsample, Resize-10, Scan-8) are refused, so a
 * model is never silently altered.
 */
import { onnx } from './onnx-proto.js';
import { allGraphs, getAttr } from './graph-walk.js';
import type { Namer } from './graph-walk.js';
import { floatTensor, int64Tensor } from './tensor-data.js';
import { toNum } from './long-int.js';
import { ToolError } from '../tool-error.js';
import { onnxOpset } from './model-io.js';

const REFUSED = new Set(['Upsample', 'Resize', 'Scan']);

function dropAttrs(node: onnx.INodeProto, names: string[]): void {
  node.attribute = (node.attribute ?? []).filter((a) => !names.includes(a.name ?? ''));
}

/** Adds an initializer and returns its name ('' stands for an omitted optional input). */
type AddConst = (base: string, t: (name: string) => onnx.TensorProto) => string;

function upgradeNode(node: onnx.INodeProto, opset: number, addConst: AddConst): void {
  const op = node.opType ?? '';
  const input = node.input ?? [];
  if (REFUSED.has(op)) {
    throw new ToolError('UNSUPPORTED_OPSET', `cannot raise opset ${opset} → 11: ${op} changed meaning; re-export at opset ≥ 11`);
  }
  if (op === 'Clip') {
    const min = getAttr(node, 'min')?.f;
    const max = getAttr(node, 'max')?.f;
    const lo = min == null ? '' : addConst(`${node.name}_min`, (n) => floatTensor(n, [], Float32Array.of(min)));
    const hi = max == null ? '' : addConst(`${node.name}_max`, (n) => floatTensor(n, [], Float32Array.of(max)));
    node.input = [input[0] ?? '', lo, hi];
    dropAttrs(node, ['min', 'max']);
  } else if (op === 'Slice' && opset < 10) {
    const ints = (k: string): number[] | undefined => getAttr(node, k)?.ints?.map(toNum);
    const starts = ints('starts') ?? [];
    const ends = ints('ends') ?? [];
    const axes = ints('axes');
    const s = addConst(`${node.name}_starts`, (n) => int64Tensor(n, [starts.length], starts));
    const e = addConst(`${node.name}_ends`, (n) => int64Tensor(n, [ends.length], ends));
    const extra = axes ? [addConst(`${node.name}_axes`, (n) => int64Tensor(n, [axes.length], axes))] : [];
    node.input = [input[0] ?? '', s, e, ...extra];
    dropAttrs(node, ['starts', 'ends', 'axes']);
  } else if (op === 'Pad') {
    const pads = getAttr(node, 'pads')?.ints?.map(toNum) ?? [];
    const value = getAttr(node, 'value')?.f ?? 0;
    const p = addConst(`${node.name}_pads`, (n) => int64Tensor(n, [pads.length], pads));
    const v = addConst(`${node.name}_value`, (n) => floatTensor(n, [], Float32Array.of(value)));
    node.input = [input[0] ?? '', p, v];
    dropAttrs(node, ['pads', 'value']);
  } else if (op === 'TopK' && opset < 10) {
    const k = toNum(getAttr(node, 'k')?.i);
    node.input = [input[0] ?? '', addConst(`${node.name}_k`, (n) => int64Tensor(n, [1], [k]))];
    dropAttrs(node, ['k']);
  }
}

/**
 * 11 → 13: Squeeze/Unsqueeze/Split/ReduceSum take axes (split) as an input, and Softmax-13
 * normalizes along one axis where Softmax-1/11 flattened [d0…d(axis-1)] × [d(axis)…]. Those
 * agree only when axis is the last one; with the rank unknown here, any other axis becomes
 * Flatten(axis) → Softmax(-1) → Reshape(Shape(x)), which is the old semantics exactly.
 */
function upgradeNode13(node: onnx.INodeProto, addConst: AddConst, namer: Namer): onnx.NodeProto[] {
  const op = node.opType ?? '';
  const input = node.input ?? [];
  const axesToInput = (attr: string, at: number): void => {
    const axes = getAttr(node, attr)?.ints?.map(toNum);
    if (!axes) return;
    const name = addConst(`${node.name}_${attr}`, (n) => int64Tensor(n, [axes.length], axes));
    const inputs = [...input];
    while (inputs.length < at) inputs.push('');
    inputs[at] = name;
    node.input = inputs;
    dropAttrs(node, [attr]);
  };
  if (op === 'Dropout') throw new ToolError('UNSUPPORTED_OPSET', `cannot raise opset to 13: ${op} changed its inputs`);
  if (op === 'Squeeze' || op === 'Unsqueeze' || op === 'ReduceSum') axesToInput('axes', 1);
  else if (op === 'Split') axesToInput('split', 1);
  else if (op === 'Softmax' || op === 'LogSoftmax' || op === 'Hardmax') {
    const axisAttr = getAttr(node, 'axis');
    const axis = axisAttr ? toNum(axisAttr.i) : 1;
    if (axis === -1) return [];
    const x = input[0] ?? '';
    const y = node.output?.[0] ?? '';
    const flat = namer.fresh(`${x}_flat2d`);
    const shape = namer.fresh(`${x}_shape`);
    const soft = namer.fresh(`${y}_2d`);
    const mk = (o: string, i: string[], out: string, attrs: onnx.IAttributeProto[] = []): onnx.NodeProto =>
      onnx.NodeProto.create({ opType: o, input: i, output: [out], name: namer.fresh(`${node.name ?? y}_${o}`), attribute: attrs });
    const intAttr = (name: string, i: number): onnx.AttributeProto => onnx.AttributeProto.create({ name, i, type: onnx.AttributeProto.AttributeType.INT });
    return [mk('Shape', [x], shape), mk('Flatten', [x], flat, [intAttr('axis', axis)]), mk(op, [flat], soft, [intAttr('axis', -1)]), mk('Reshape', [soft, shape], y)];
  }
  return [];
}

/** Whether upgradeToOpset13 would succeed (checked first, because it rewrites as it goes). */
export function canUpgradeTo13(model: onnx.IModelProto): boolean {
  const refused = new Set([...REFUSED, 'Dropout']);
  const opset = onnxOpset(model);
  return (
    opset >= 13 ||
    !allGraphs(model.graph!).some((g) =>
      (g.node ?? []).some((n) => (!n.domain || n.domain === 'ai.onnx') && refused.has(n.opType ?? '') && !(n.opType === 'Resize' && opset >= 11)),
    )
  );
}

/** Upgrades in place to opset 13 (from 7–12), for per-channel DequantizeLinear. */
export function upgradeToOpset13(model: onnx.ModelProto, namer: Namer): number {
  const opset = upgradeToOpset11(model, namer);
  if (opset >= 13) return opset;
  for (const graph of allGraphs(model.graph!)) {
    const added: onnx.TensorProto[] = [];
    const addConst: AddConst = (base, make) => {
      const t = make(namer.fresh(base));
      added.push(t);
      return t.name;
    };
    const nodes: onnx.INodeProto[] = [];
    for (const node of graph.node ?? []) {
      const replaced = !node.domain || node.domain === 'ai.onnx' ? upgradeNode13(node, addConst, namer) : [];
      nodes.push(...(replaced.length ? replaced : [node]));
    }
    graph.node = nodes;
    graph.initializer = [...(graph.initializer ?? []), ...added];
  }
  for (const o of model.opsetImport) if (!o.domain || o.domain === 'ai.onnx') o.version = 13;
  return 13;
}

/** Upgrades in place when the model is below opset 11; returns the (new) opset. */
export function upgradeToOpset11(model: onnx.ModelProto, namer: Namer): number {
  const opset = onnxOpset(model);
  if (opset >= 11) return opset;
  for (const graph of allGraphs(model.graph!)) {
    const added: onnx.TensorProto[] = [];
    const addConst: AddConst = (base, make) => {
      const t = make(namer.fresh(base));
      added.push(t);
      return t.name;
    };
    for (const node of graph.node ?? []) {
      if (!node.domain || node.domain === 'ai.onnx') upgradeNode(node, opset, addConst);
    }
    graph.initializer = [...(graph.initializer ?? []), ...added];
  }
  for (const o of model.opsetImport) if (!o.domain || o.domain === 'ai.onnx') o.version = 11;
  return 11;
}
