import { describe, expect, it } from 'vitest';
import { DEFAULT_ROI_SEED, parseRoiArgs } from './cli-args';

describe('npm run train:roi arguments', () => {
  it('defaults: both cohorts, the default seed, no sizes', () => {
    const c = parseRoiArgs([]);
    expect(c.cohorts).toEqual(['dcis-idc', 'wang2016']);
    expect(c.seed).toBe(DEFAULT_ROI_SEED);
    expect(c.n).toBeUndefined();
    expect(c.quick).toBe(false);
  });

  it('reads every option', () => {
    const c = parseRoiArgs([
      '--cohort',
      'dcis-idc',
      '--n',
      '50',
      '--seed',
      '9',
      '--out',
      'm',
      '--reports',
      'r',
      '--quick',
      '--members',
      '4',
      '--backbone',
      'b.onnx',
      '--embedding-output',
      'pool',
    ]);
    expect(c).toMatchObject({
      cohorts: ['dcis-idc'],
      n: { 'dcis-idc': 50 },
      seed: 9,
      out: 'm',
      reports: 'r',
      quick: true,
      members: 4,
      backbonePath: 'b.onnx',
      embeddingOutput: 'pool',
    });
    expect(c.command).toMatch(/^npm run train:roi -- --cohort dcis-idc/);
  });

  it('refuses bad values with INVALID_OPTION', () => {
    for (const argv of [
      ['--cohort', 'inbreast'],
      ['--n', '3'],
      ['--seed', '-1'],
      ['--members', '0'],
      ['--embedding-output', 'x'],
      ['--unknown'],
    ])
      expect(() => parseRoiArgs(argv)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });
});
