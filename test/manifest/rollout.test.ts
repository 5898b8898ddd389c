import { describe, expect, it } from 'vitest';
import { chooseVersion, cohortBucket } from '../../src/manifest/rollout.js';
import { fixtureManifest } from '../fixtures/manifest.js';

function rolloutModel(percent: number) {
  const model = fixtureManifest().models[0]!;
  model.policy = { kind: 'rollout', stable: '1.9.0', candidate: '1.10.0', percent };
  return model;
}

describe('rollout cohorts', () => {
  it('put the rollout percentage of 20,000 simulated devices on the candidate, within a point', () => {
    for (const percent of [5, 20, 50]) {
      const model = rolloutModel(percent);
      let candidate = 0;
      for (let i = 0; i < 20000; i++) if (chooseVersion(model, `device-${i}`).version.version === '1.10.0') candidate++;
      expect(Math.abs((candidate / 20000) * 100 - percent)).toBeLessThan(1);
    }
  });

  it('are sticky: the same device always gets the same bucket and version', () => {
    const model = rolloutModel(30);
    const first = chooseVersion(model, 'a-device');
    for (let i = 0; i < 5; i++) expect(chooseVersion(model, 'a-device')).toEqual(first);
    expect(first.cohort?.bucket).toBe(cohortBucket('a-device', 'm'));
  });

  it('draw independent cohorts per model and per salt', () => {
    let same = 0;
    for (let i = 0; i < 2000; i++) if (cohortBucket(`d${i}`, 'a') < 50 === cohortBucket(`d${i}`, 'b') < 50) same++;
    expect(same / 2000).toBeGreaterThan(0.45);
    expect(same / 2000).toBeLessThan(0.55);
    expect(cohortBucket('d', 'a', 'salt-1')).not.toBe(cohortBucket('d', 'a', 'salt-2'));
  });

  it('an explicit version wins over the rollout', () => {
    expect(chooseVersion(rolloutModel(100), 'x', '1.9.0').version.version).toBe('1.9.0');
  });
});
