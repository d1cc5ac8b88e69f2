import { describe, expect, it } from 'vitest';
import { InferenceError } from '../errors';
import { describeRouting, parseRoutingSpec, pickVersion, resolveRouting, versionsNamedBy } from './routing';

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InferenceError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('parseRoutingSpec', () => {
  it('reads aliases, canary weights and shadow, defaulting absent fields', () => {
    expect(parseRoutingSpec({})).toEqual({ aliases: {}, canary: null, shadow: null });
    expect(
      parseRoutingSpec({
        aliases: { production: 2, staging: 3 },
        canary: { production: 90, 3: 10 },
        shadow: 4,
      }),
    ).toEqual({ aliases: { production: 2, staging: 3 }, canary: { production: 90, '3': 10 }, shadow: '4' });
    expect(parseRoutingSpec({ shadow: 'staging', canary: null }).shadow).toBe('staging');
  });

  it('refuses malformed routing with the rule broken', () => {
    expect(refusal(() => parseRoutingSpec([]))).toMatch(/must be a JSON object/);
    expect(refusal(() => parseRoutingSpec({ alias: {} }))).toMatch(/unknown routing field 'alias'/);
    expect(refusal(() => parseRoutingSpec({ aliases: { Production: 1 } }))).toMatch(
      /alias 'Production' must start/,
    );
    expect(refusal(() => parseRoutingSpec({ aliases: { production: 0 } }))).toMatch(/positive integer/);
    expect(refusal(() => parseRoutingSpec({ aliases: { production: '2' } }))).toMatch(/positive integer/);
    expect(refusal(() => parseRoutingSpec({ canary: { production: -1 } }))).toMatch(/finite number ≥ 0/);
    expect(refusal(() => parseRoutingSpec({ canary: { production: 0, 2: 0 } }))).toMatch(/must not all be 0/);
    expect(refusal(() => parseRoutingSpec({ canary: {} }))).toMatch(/1 to 16 targets/);
    expect(refusal(() => parseRoutingSpec({ canary: { 'Bad Name': 1 } }))).toMatch(
      /version number or an alias/,
    );
    expect(refusal(() => parseRoutingSpec({ shadow: 1.5 }))).toMatch(
      /'shadow' must be a version number or an alias/,
    );
  });
});

describe('resolveRouting and pickVersion', () => {
  it('defaults production to the newest serving version', () => {
    const routing = resolveRouting(parseRoutingSpec({}), [1, 3, 2], 1);
    expect(routing.production).toBe(3);
    expect(routing.productionIsDefault).toBe(true);
    expect(pickVersion(routing, 0.99)).toBe(3);
  });

  it('splits traffic by the canary weights', () => {
    const routing = resolveRouting(
      parseRoutingSpec({ aliases: { production: 1, staging: 2 }, canary: { production: 90, staging: 10 } }),
      [1, 2],
      5,
    );
    expect(pickVersion(routing, 0)).toBe(1);
    expect(pickVersion(routing, 0.8999)).toBe(1);
    expect(pickVersion(routing, 0.9)).toBe(2);
    expect(pickVersion(routing, 0.999999)).toBe(2);
    // Over an even grid of random numbers the split is exactly 90/10.
    let toCanary = 0;
    for (let i = 0; i < 1000; i++) if (pickVersion(routing, i / 1000) === 2) toCanary++;
    expect(toCanary).toBe(100);
    expect((describeRouting(routing).resolved as { canary: unknown }).canary).toEqual([
      { version: 1, share: 0.9 },
      { version: 2, share: 0.1 },
    ]);
    expect(routing.revision).toBe(5);
  });

  it('resolves the shadow and lists the versions a spec names', () => {
    const spec = parseRoutingSpec({ aliases: { production: 1 }, canary: { production: 1, 4: 1 }, shadow: 2 });
    expect(versionsNamedBy(spec).sort()).toEqual([1, 2, 4]);
    const routing = resolveRouting(spec, [1, 2, 4], 1);
    expect(routing.shadow).toBe(2);
  });

  it('refuses targets that are not serving or aliases that are not defined', () => {
    expect(
      refusal(() => resolveRouting(parseRoutingSpec({ aliases: { production: 9 } }), [1, 2], 1)),
    ).toMatch(/alias 'production' points at version 9, which is not serving/);
    expect(refusal(() => resolveRouting(parseRoutingSpec({ canary: { staging: 1 } }), [1, 2], 1))).toMatch(
      /canary target 'staging' names alias 'staging', which is not defined/,
    );
    expect(refusal(() => resolveRouting(parseRoutingSpec({ shadow: 7 }), [1, 2], 1))).toMatch(
      /version 7, which is not serving/,
    );
  });
});
