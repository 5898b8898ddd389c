/**
 * Ops onnxruntime-web's WebGPU provider has no kernel for, found in a graph before a WebGPU session
 * is made for it. onnxruntime does not refuse such a model: it runs those nodes on its CPU kernels
 * inside the WebGPU session, copying each one's tensors from the GPU and back. For the integer ops
 * of a dynamic-int8 model (ConvInteger and MatMulInteger after each DynamicQuantizeLinear) that is
 * dozens of round trips a run, and the WASM backend runs the whole model faster; so the session is
 * refused here, the backend resolver falls back to WASM, and `info().fallback.reason` names the ops.
 */
import { fields, NotOnnx, stringField } from './onnx-external-data.js';

const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_OP_TYPE = 4;
const NODE_DOMAIN = 7;
const WIRE_BYTES = 2;

/** Default-domain ops absent from onnxruntime-web 1.30's WebGPU kernel list (WEBGPU_OP_RESOLVE_RULES). */
export const WEBGPU_LACKS: ReadonlySet<string> = new Set(['ConvInteger', 'MatMulInteger', 'DynamicQuantizeLinear']);

/** The ops of the model's main graph that the WebGPU provider lacks, with how many nodes use each. */
export function opsWebgpuLacks(model: Uint8Array): Map<string, number> {
  const found = new Map<string, number>();
  try {
    for (const graph of fields(model, 0, model.byteLength)) {
      if (graph.number !== MODEL_GRAPH || graph.wire !== WIRE_BYTES) continue;
      for (const node of fields(model, graph.payload, graph.end)) {
        if (node.number !== GRAPH_NODE || node.wire !== WIRE_BYTES) continue;
        const op = stringField(model, node.payload, node.end, NODE_OP_TYPE);
        if (op && WEBGPU_LACKS.has(op) && (stringField(model, node.payload, node.end, NODE_DOMAIN) ?? '') === '') found.set(op, (found.get(op) ?? 0) + 1);
      }
    }
  } catch (error) {
    // Not a protobuf this walk reads: onnxruntime reports on it when it opens the model.
    if (error instanceof NotOnnx) return new Map();
    throw error;
  }
  return found;
}

/** Throws, naming the ops, when the WebGPU provider lacks any op of the model; the resolver then opens it on WASM. */
export function refuseOnWebgpu(model: Uint8Array): void {
  const lacking = opsWebgpuLacks(model);
  if (lacking.size === 0) return;
  const list = [...lacking].map(([op, n]) => `${op} (${n})`).join(', ');
  throw new Error(
    `onnxruntime-web's WebGPU provider has no kernel for ${list}: an integer-quantized model (dynamic int8) would run those nodes on the CPU with a GPU round trip each, slower than WASM`,
  );
}
