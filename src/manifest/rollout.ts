/**
 * Sticky cohorts for canary and A/B rollouts. A device's bucket for a model is a stable hash of
 * (salt, model id, device id): the same device lands in the same bucket on every visit, and
 * buckets of different models (or salts) are independent.
 */
import { VariantNotFoundError } from '../errors.js';
import type { ModelEntry, VersionEntry } from './schema.js';
import { pickVersion } from './select.js';

export interface Cohort {
  /** 0 ≤ bucket < 100, two decimals of resolution. */
  bucket: number;
  arm: 'stable' | 'candidate';
  percent: number;
}

/** FNV-1a (32-bit) over UTF-16 code units, then murmur3's fmix32 finaliser: tiny, fast, and well spread for ids. */
function fnv1aFmix32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // A final avalanche (murmur3's fmix32) so similar ids do not give similar buckets.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

export function cohortBucket(deviceId: string, modelId: string, salt = ''): number {
  return Math.floor((fnv1aFmix32(`${salt}\u0000${modelId}\u0000${deviceId}`) / 2 ** 32) * 10000) / 100;
}

export interface VersionChoice {
  version: VersionEntry;
  cohort?: Cohort;
}

/** The version this device should serve: an explicit request, else the manifest's policy. */
export function chooseVersion(model: ModelEntry, deviceId: string, requested?: string): VersionChoice {
  const policy = model.policy;
  if (requested !== undefined || policy?.kind !== 'rollout') return { version: pickVersion(model, requested) };
  const bucket = cohortBucket(deviceId, model.id, policy.salt);
  const arm = bucket < policy.percent ? 'candidate' : 'stable';
  const wanted = arm === 'candidate' ? policy.candidate : policy.stable;
  const version = model.versions.find((v) => v.version === wanted);
  if (!version) throw new VariantNotFoundError(`model "${model.id}" rollout names version ${wanted}, which the manifest does not list`, { id: model.id, version: wanted });
  return { version, cohort: { bucket, arm, percent: policy.percent } };
}
