/**
 * Graph helpers: find constant tensors (initializers or Constant nodes — paddle2onnx exports
 * every weight as a Constant node), count uses across nested subgraphs (an `If` branch may read
 * an outer-scope weight), and hand out fresh names.
 */
import { onnx } from './onnx-proto.js';

export interface ConstRef {
  tensor: onnx.ITensorProto;
  /** The Constant node holding it, or null for an initializer. */
  node: onnx.INodeProto | null;
}

/** Subgraphs held by a node's attributes (If then/else, Loop/Scan body). */
export function subgraphsOf(node: onnx.INodeProto): onnx.IGraphProto[] {
  const out: onnx.IGraphProto[] = [];
  for (const a of node.attribute ?? []) {
    if (a.g) out.push(a.g);
    for (const g of a.graphs ?? []) out.push(g);
  }
  return out;
}

/** Every graph of the model, outer first. */
export function allGraphs(graph: onnx.IGraphProto): onnx.IGraphProto[] {
  const out = [graph];
  for (const node of graph.node ?? []) for (const g of subgraphsOf(node)) out.push(...allGraphs(g));
  return out;
}

export function constantsOf(graph: onnx.IGraphProto): Map<string, ConstRef> {
  const map = new Map<string, ConstRef>();
  for (const t of graph.initializer ?? []) if (t.name) map.set(t.name, { tensor: t, node: null });
  for (const node of graph.node ?? []) {
    if (node.opType !== 'Constant' || (node.domain && node.domain !== 'ai.onnx')) continue;
    const value = node.attribute?.find((a) => a.name === 'value' && a.t);
    const out = node.output?.[0];
    if (value?.t && out) map.set(out, { tensor: value.t, node });
  }
  return map;
}

/** How many node inputs (in this graph and all its subgraphs) and graph outputs read each name. */
export function useCounts(graph: onnx.IGraphProto, counts = new Map<string, number>()): Map<string, number> {
  const bump = (n: string | null | undefined): void => {
    if (n) counts.set(n, (counts.get(n) ?? 0) + 1);
  };
  for (const node of graph.node ?? []) {
    node.input?.forEach(bump);
    for (const g of subgraphsOf(node)) useCounts(g, counts);
  }
  graph.output?.forEach((o) => bump(o.name));
  return counts;
}

/** Makes names unique across the whole model, so inserted tensors never shadow existing ones. */
export class Namer {
  private readonly taken = new Set<string>();
  constructor(graph: onnx.IGraphProto) {
    for (const g of allGraphs(graph)) {
      for (const n of g.node ?? []) {
        n.output?.forEach((o) => this.taken.add(o));
        n.input?.forEach((i) => this.taken.add(i));
        if (n.name) this.taken.add(n.name);
      }
      g.initializer?.forEach((t) => t.name && this.taken.add(t.name));
      g.input?.forEach((v) => v.name && this.taken.add(v.name));
    }
  }
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}

export function makeNode(opType: string, inputs: string[], outputs: string[], name: string, attrs: onnx.IAttributeProto[] = [], domain?: string): onnx.NodeProto {
  const node = onnx.NodeProto.create({ opType, input: inputs, output: outputs, name, attribute: attrs });
  if (domain) node.domain = domain;
  return node;
}

export const attrInt = (name: string, i: number): onnx.AttributeProto => onnx.AttributeProto.create({ name, i, type: onnx.AttributeProto.AttributeType.INT });

export function getAttr(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

/**
 * Drops Constant nodes and initializers that nothing reads any more (weights replaced by their
 * quantized form). Only names in `candidates` are touched, so the rest of the model is unchanged.
 */
export function pruneUnused(root: onnx.IGraphProto, candidates: Set<string>): void {
  const uses = useCounts(root);
  const unused = (n: string | null | undefined): boolean => !!n && candidates.has(n) && !uses.get(n);
  for (const g of allGraphs(root)) {
    if (g.node) g.node = g.node.filter((n) => !(n.opType === 'Constant' && unused(n.output?.[0])));
    if (g.initializer) g.initializer = g.initializer.filter((t) => !unused(t.name));
    if (g.input) g.input = g.input.filter((v) => !unused(v.name));
  }
}
