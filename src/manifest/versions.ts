/**
 * Model versions are semantic versions (semver.org), ordered by the `semver` package: 1.10.0
 * above 1.9.0, 1.0.0 above 1.0.0-rc.1. The deep imports keep the worker's bundle to the three
 * functions used (semver is CommonJS, so importing its index would carry all of it).
 */
import compare from 'semver/functions/compare.js';
import prerelease from 'semver/functions/prerelease.js';
import valid from 'semver/functions/valid.js';

/**
 * Only the canonical spelling is a version: "1.0.0" or "1.1.0-rc.1", not "v1.0.0", "=1.0.0" or
 * "1.0", which semver would accept or coerce. A version names a store key, a pointer and a URL,
 * so one version must have one spelling, and "v2" vs "2.0.0" must never be two versions.
 * Build metadata ("1.0.0+sha.1") is refused too: semver gives it no precedence, so two builds of
 * one version would tie for `latest` and the choice between them would be arbitrary.
 */
export function isVersion(value: unknown): value is string {
  return typeof value === 'string' && valid(value) === value;
}

export const isPrerelease = (version: string): boolean => prerelease(version) !== null;

/** Ascending semver order (both must pass isVersion; semver throws on anything else). */
export const compareVersions = (a: string, b: string): number => compare(a, b);

/**
 * The version `latest` serves: the highest release. A prerelease (1.1.0-rc.1) is what a
 * deployment lists to try, not to serve to everyone, so it is chosen only when the model lists
 * no release at all (a model still in its first release candidate must still load); pin it or
 * roll it out to serve it beside a release.
 */
export function latestVersion<T extends { version: string }>(versions: readonly T[]): T | undefined {
  const releases = versions.filter((v) => !isPrerelease(v.version));
  const pool = releases.length > 0 ? releases : versions;
  return [...pool].sort((a, b) => compareVersions(b.version, a.version))[0];
}
