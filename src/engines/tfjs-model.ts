/**
 * A TensorFlow.js model (layers or graph) opened from the stored bytes, run by the names the
 * manifest gives its inputs and outputs. Names are matched against the model's own (a graph's
 * signature keys or node names, a layers model's input and output layers), never by position:
 * a graph whose signature orders its outputs otherwise than the manifest still answers each
 * output under its own name.
 */
import * as tf from '@tensorflow/tfjs-core';
import { UnsupportedError } from '../errors.js';
import type { ModelSpec } from '../manifest/schema.js';
import type { ModelFile } from './engine.js';

interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  signature?: object;
  userDefinedMetadata?: Record<string, object>;
  modelInitializer?: object;
  initializerSignature?: object;
}

function concat(parts: Uint8Array[]): ArrayBuffer {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out.buffer;
}

/** model.json and its weight files (in manifest order, which is the weightsManifest's path order) as tfjs model artifacts. */
export function tfjsArtifacts(files: ModelFile[]): tf.io.ModelArtifacts {
  const [json, ...weights] = files;
  if (!json) throw new Error('a tfjs variant lists model.json first');
  const model = JSON.parse(new TextDecoder().decode(json.bytes)) as ModelJson;
  // Every field tfjs's own http loader passes on: a graph model's signature (its input and output
  // names) and initializer (hash tables) included.
  return {
    modelTopology: model.modelTopology,
    format: model.format,
    generatedBy: model.generatedBy,
    convertedBy: model.convertedBy,
    weightSpecs: model.weightsManifest.flatMap((group) => group.weights),
    weightData: concat(weights.map((w) => w.bytes)),
    ...(model.signature ? { signature: model.signature } : {}),
    ...(model.userDefinedMetadata ? { userDefinedMetadata: model.userDefinedMetadata } : {}),
    ...(model.modelInitializer ? { modelInitializer: model.modelInitializer } : {}),
    ...(model.initializerSignature ? { initializerSignature: model.initializerSignature } : {}),
  };
}

/** A loaded model behind one call: feeds by the model's own input names, outputs in the order asked. */
export interface TfjsModel {
  /** The model's name for each manifest input, in manifest order. */
  inputNames: string[];
  /** The model's name for each manifest output, in manifest order. */
  outputNames: string[];
  /** Disposes nothing: the caller owns `feeds` and the returned tensors. */
  run(feeds: Record<string, tf.Tensor>, outputNames: string[]): Promise<tf.Tensor[]>;
  dispose(): void;
}

type GraphModel = import('@tensorflow/tfjs-converter').GraphModel;
type LayersModel = import('@tensorflow/tfjs-layers').LayersModel;

/** A graph's names as signature key, node name and `node:0` are one name. */
const bare = (name: string) => name.replace(/:0$/, '');

/** For each name the manifest uses, the model's name it denotes (the first of `own` equal to it, `:0` aside). */
function match(kind: 'input' | 'output', wanted: string[], own: string[][]): string[] {
  // One on each side is one tensor whatever it is called (a layers model's made-up name, say).
  if (wanted.length === 1 && own.length === 1) return [own[0]![0]!];
  return wanted.map((name) => {
    const found = own.find((aliases) => aliases.some((alias) => alias === name || bare(alias) === bare(name)));
    if (!found) {
      const names = own.map((aliases) => aliases.join(' or ')).join(', ');
      throw new UnsupportedError(`the manifest names ${kind} "${name}", which the TensorFlow.js model does not have; its ${kind}s are ${names}`, { [kind]: name });
    }
    return found[0]!;
  });
}

function graphModel(model: GraphModel, spec: ModelSpec): TfjsModel {
  // inputNodes/outputNodes are what execute() takes (signature keys when there is a signature);
  // inputs/outputs carry the node names, which a hand-written manifest may use instead.
  const inputs = model.inputNodes.map((key, i) => [key, model.inputs[i]?.name ?? key]);
  const outputs = model.outputNodes.map((key, i) => [key, model.outputs[i]?.name ?? key]);
  // A graph with control flow or dynamic shapes (loops, NonMaxSuppression, Where) runs only with
  // executeAsync; tfjs says so before running any op, so the first run finds out and sticks to it.
  let needsAsync = false;
  return {
    inputNames: match(
      'input',
      spec.inputs.map((s) => s.name),
      inputs,
    ),
    outputNames: match(
      'output',
      spec.outputs.map((s) => s.name),
      outputs,
    ),
    async run(feeds, outputNames) {
      if (!needsAsync) {
        try {
          // tidy: whatever execute made before throwing is disposed; the outputs it returns are kept.
          return tf.tidy(() => [model.execute(feeds, outputNames)].flat());
        } catch (error) {
          if (!(error instanceof Error && error.message.includes('executeAsync'))) throw error;
          needsAsync = true;
        }
      }
      return [await model.executeAsync(feeds, outputNames)].flat();
    },
    dispose: () => model.dispose(),
  };
}

function layersModel(model: LayersModel, spec: ModelSpec): TfjsModel {
  const inputNames = match(
    'input',
    spec.inputs.map((s) => s.name),
    model.inputNames.map((n) => [n]),
  );
  const outputNames = match(
    'output',
    spec.outputs.map((s) => s.name),
    model.outputNames.map((n) => [n]),
  );
  return {
    inputNames,
    outputNames,
    async run(feeds, wanted) {
      // predict takes inputs and returns outputs in the model's own order.
      const ordered = model.inputNames.map((name) => {
        const feed = feeds[name];
        if (!feed) throw new Error(`no feed for the model's input ${name}`);
        return feed;
      });
      const all = tf.tidy(() => [model.predict(ordered.length === 1 ? ordered[0]! : ordered)].flat());
      const picked = wanted.map((name) => all[model.outputNames.indexOf(name)]!);
      tf.dispose(all.filter((t) => !picked.includes(t)));
      return picked;
    },
    dispose: () => model.dispose(),
  };
}

/** tfjs-converter for a graph model, tfjs-layers otherwise: each imported only for its format. */
export type TfjsLoader = { graph: true; load: (handler: tf.io.IOHandler) => Promise<GraphModel> } | { graph: false; load: (handler: tf.io.IOHandler) => Promise<LayersModel> };

export async function importTfjsLoader(format: string | undefined): Promise<TfjsLoader> {
  if (format === 'graph-model') return { graph: true, load: (await import('@tensorflow/tfjs-converter')).loadGraphModel };
  return { graph: false, load: (await import('@tensorflow/tfjs-layers')).loadLayersModel };
}

/** A model whose names do not match the manifest is disposed before the error leaves. */
function disposingOnThrow<T>(model: { dispose(): void }, wrap: () => T): T {
  try {
    return wrap();
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Loads the model on the active backend from memory (an IOHandler over the stored bytes). */
export async function loadTfjsModel(spec: ModelSpec, artifacts: tf.io.ModelArtifacts, loader: TfjsLoader): Promise<TfjsModel> {
  const handler = tf.io.fromMemory(artifacts);
  if (loader.graph) {
    const model = await loader.load(handler);
    return disposingOnThrow(model, () => graphModel(model, spec));
  }
  const model = await loader.load(handler);
  return disposingOnThrow(model, () => layersModel(model, spec));
}
