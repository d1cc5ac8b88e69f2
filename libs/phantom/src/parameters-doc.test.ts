import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PHANTOM_PARAMETERS } from './parameters';
import { parameterTablesMarkdown } from './parameters-doc';

describe('PHANTOM_PARAMETERS', () => {
  it('is documented verbatim in README.md (regenerate the block with parameterTablesMarkdown())', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const start = '<!-- parameters:start -->\n';
    const end = '<!-- parameters:end -->';
    const block = readme.slice(readme.indexOf(start) + start.length, readme.indexOf(end));
    expect(readme.includes(start) && readme.includes(end)).toBe(true);
    expect(block).toBe(`\n${parameterTablesMarkdown()}\n`);
  });

  it('holds probability tables that sum to 1', () => {
    const l = PHANTOM_PARAMETERS.lesion;
    const c = PHANTOM_PARAMETERS.clinical;
    const tables = [l.morphology, l.distribution, l.massShape, l.massMargin, c.birads, c.density];
    for (const byClass of tables) {
      for (const row of Object.values(byClass) as Record<string, number>[]) {
        expect(Object.values(row).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      }
    }
    for (const row of Object.values(PHANTOM_PARAMETERS.cohorts.dcisIdc.lesionType)) {
      expect(Object.values(row).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    }
  });

  it("keeps Wang 2016's split tables consistent", () => {
    const { train, test } = PHANTOM_PARAMETERS.cohorts.wang2016.splits;
    for (const t of [train, test]) {
      expect(t.labels.benign + t.labels.malignant).toBe(t.size);
      expect(t.lesionTypes.mc + t.lesionTypes.mass + t.lesionTypes['mc+mass']).toBe(t.size);
    }
    const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
    expect(sum(train.subtypes.benign)).toBe(677);
    expect(sum(train.subtypes.malignant)).toBe(323);
    expect(train.size + test.size).toBe(PHANTOM_PARAMETERS.cohorts.wang2016.patients);
  });
});
