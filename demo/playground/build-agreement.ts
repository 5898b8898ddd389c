/**
 * What the quality gate measured for a subject's int8, fp16 or q4 variants when `npm run models` (or
 * `edgeserve quantize` + pack) built them, as the manifest records it: one line per model, and
 * whether any model's variant disagrees with fp32 (failed gate, or a decision/top-1 agreement
 * below the gate's 95 %).
 */
import type { Manifest, Precision, VariantAgreement } from '../../src/index.js';
import { INT8_SPEED_NOTES } from './int8-speed-notes.js';
import { PRECISION_NOTES } from './precision-notes.js';

const AGREEMENT_FLOOR = 0.95;

export interface BuildAgreement {
  lines: string[];
  disagrees: boolean;
}

function describe(id: string, a: VariantAgreement): string {
  const outs = a.outputs.map((o) => {
    const what =
      o.kind === 'probability'
        ? `decisions at 0.5 agree ${(o.agreement! * 100).toFixed(1)}%`
        : o.kind === 'classifier'
          ? `top-1 agrees ${(o.agreement! * 100).toFixed(1)}%`
          : `cosine ${o.cosine.toFixed(3)}`;
    // The gate bounds a probability's 99th-percentile |Δ|: a map's edge pixels make its max large.
    const spread =
      o.kind === 'probability' && o.p99Abs !== undefined ? `99th-percentile |Δ| ${o.p99Abs.toPrecision(2)} (max ${o.maxAbs.toPrecision(2)})` : `max |Δ| ${o.maxAbs.toPrecision(2)}`;
    return `${o.name}: ${what}, ${spread}`;
  });
  const on = a.inputs === 'generated' ? 'random inputs' : 'real samples';
  return `${id} (measured at build on ${a.samples} ${on}): ${outs.join('; ')}${a.passed ? '' : ' — FAILED its gate'}`;
}

export function buildAgreement(manifest: Manifest, modelIds: readonly string[], precision: Precision = 'int8'): BuildAgreement {
  const lines: string[] = [];
  const note = PRECISION_NOTES[precision];
  let disagrees = false;
  for (const id of modelIds) {
    const variant = manifest.models.find((m) => m.id === id)?.versions[0]?.variants.find((v) => v.precision === precision);
    if (!variant) continue;
    if (!variant.agreement) {
      lines.push(`${id}: no agreement recorded (built before the quality gate)`);
      continue;
    }
    lines.push(describe(id, variant.agreement));
    const slow = precision === 'int8' ? INT8_SPEED_NOTES[id] : undefined;
    if (slow) lines.push(`${id}: ${slow}`);
    if (!variant.agreement.passed || variant.agreement.outputs.some((o) => o.agreement !== null && o.agreement < AGREEMENT_FLOOR)) disagrees = true;
  }
  if (note && lines.length) lines.push(note);
  return { lines, disagrees };
}
