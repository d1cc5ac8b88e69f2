/**
 * Traffic routing of one model: aliases (`production`, `staging`, or any lowercase name) pointing at
 * versions, an optional weighted canary split between aliases or versions, and an optional shadow that
 * receives a copy of every routed request whose result is recorded but never returned.
 *
 * The control API sets a RoutingSpec (the desired state, replaced as a whole); the manager resolves it
 * against the versions it serves into a Routing, which requests read without locks: a new Routing object
 * replaces the old one in a single assignment (the atomic switch).
 */
import { InferenceError } from '../errors';

/** Routing as set through the control API (JSON body of `PUT /v2/repository/models/{m}/routing`). */
export interface RoutingSpec {
  /** Alias → version. Without `production`, production is the newest serving version. */
  readonly aliases: Readonly<Record<string, number>>;
  /** Target (alias name or version number as text) → non-negative weight; null = all to production. */
  readonly canary: Readonly<Record<string, number>> | null;
  /** Alias name or version number (as text) that mirrors routed traffic; null = none. */
  readonly shadow: string | null;
}

/** A RoutingSpec resolved to version numbers. */
export interface Routing {
  readonly spec: RoutingSpec;
  /** Every alias with its version, `production` included (explicit or the newest serving version). */
  readonly aliases: ReadonlyMap<string, number>;
  readonly production: number;
  /** Whether production follows the newest version (no explicit `production` alias). */
  readonly productionIsDefault: boolean;
  /** Canary split as versions with cumulative weights; undefined = everything to production. */
  readonly canary?: { readonly versions: readonly number[]; readonly cumulative: readonly number[] };
  /** Shadow version; undefined = none. */
  readonly shadow?: number;
  /** Increases with every change of this model's routing; lets a reconciler detect concurrent edits. */
  readonly revision: number;
  /** When this routing was set (ISO 8601). */
  readonly updatedAt: string;
}

/** The routing a model starts with: production = newest version, no canary, no shadow. */
export const DEFAULT_ROUTING_SPEC: RoutingSpec = { aliases: {}, canary: null, shadow: null };

const ALIAS_NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const VERSION_TEXT = /^[1-9][0-9]{0,15}$/;
const MAX_CANARY_TARGETS = 16;

function bad(message: string): InferenceError {
  return new InferenceError('BAD_REQUEST', message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether text names an alias (lowercase letter first, then letters, digits, `_` or `-`; at most 32).
 *
 * @param text - Candidate alias.
 */
export function isAliasName(text: string): boolean {
  return ALIAS_NAME.test(text);
}

function target(text: unknown, where: string): string {
  if (typeof text === 'number' && Number.isSafeInteger(text) && text > 0) return String(text);
  if (typeof text === 'string' && (VERSION_TEXT.test(text) || ALIAS_NAME.test(text))) return text;
  throw bad(`${where} must be a version number or an alias name, got ${JSON.stringify(text)}`);
}

/**
 * Validates the JSON body of a routing update.
 *
 * @param body - `{ "aliases"?: {name: version}, "canary"?: {target: weight} | null, "shadow"?: target | null }`;
 *   absent fields take their defaults (no aliases, no canary, no shadow): the body is the whole desired state.
 * @returns The spec, with targets as text.
 * @throws InferenceError BAD_REQUEST for unknown fields, a bad alias name, a version that is not a positive
 *   integer, a negative or non-finite weight, weights summing to 0, or more than 16 canary targets.
 */
export function parseRoutingSpec(body: unknown): RoutingSpec {
  if (!isPlainObject(body)) throw bad('the routing body must be a JSON object');
  for (const key of Object.keys(body))
    if (key !== 'aliases' && key !== 'canary' && key !== 'shadow')
      throw bad(`unknown routing field '${key}' (expected aliases, canary, shadow)`);
  const aliases: Record<string, number> = {};
  if (body.aliases !== undefined) {
    if (!isPlainObject(body.aliases)) throw bad(`'aliases' must be an object of alias name → version`);
    for (const [name, version] of Object.entries(body.aliases)) {
      if (!ALIAS_NAME.test(name))
        throw bad(
          `alias '${name}' must start with a lowercase letter and hold only a-z, 0-9, _ and - (at most 32)`,
        );
      if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)
        throw bad(
          `alias '${name}' must point at a version number (a positive integer), got ${JSON.stringify(version)}`,
        );
      aliases[name] = version;
    }
  }
  let canary: Record<string, number> | null = null;
  if (body.canary !== undefined && body.canary !== null) {
    if (!isPlainObject(body.canary)) throw bad(`'canary' must be an object of target → weight, or null`);
    const entries = Object.entries(body.canary);
    if (entries.length === 0 || entries.length > MAX_CANARY_TARGETS)
      throw bad(`'canary' must name 1 to ${MAX_CANARY_TARGETS} targets`);
    canary = {};
    let total = 0;
    for (const [key, weight] of entries) {
      const name = target(key, `canary target '${key}'`);
      if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0)
        throw bad(`canary weight of '${key}' must be a finite number ≥ 0, got ${JSON.stringify(weight)}`);
      canary[name] = weight;
      total += weight;
    }
    if (!(total > 0)) throw bad(`canary weights must not all be 0`);
  }
  const shadow = body.shadow === undefined || body.shadow === null ? null : target(body.shadow, `'shadow'`);
  return { aliases, canary, shadow };
}

/**
 * Resolves a spec against the versions being served.
 *
 * @param spec - Desired routing.
 * @param serving - Version numbers that are loaded and ready (non-empty).
 * @param revision - Revision number to stamp.
 * @returns The resolved routing.
 * @throws InferenceError BAD_REQUEST when an alias, canary target or shadow names a version that is not
 *   serving or an alias that is not defined.
 */
export function resolveRouting(spec: RoutingSpec, serving: readonly number[], revision: number): Routing {
  if (serving.length === 0) throw new InferenceError('UNAVAILABLE', 'no version is serving');
  const newest = Math.max(...serving);
  const aliases = new Map<string, number>();
  for (const [name, version] of Object.entries(spec.aliases)) {
    if (!serving.includes(version))
      throw bad(`alias '${name}' points at version ${version}, which is not serving`);
    aliases.set(name, version);
  }
  const productionIsDefault = !aliases.has('production');
  if (productionIsDefault) aliases.set('production', newest);
  const production = aliases.get('production')!;
  const versionOf = (text: string, where: string): number => {
    const version = VERSION_TEXT.test(text) ? Number(text) : aliases.get(text);
    if (version === undefined) throw bad(`${where} names alias '${text}', which is not defined`);
    if (!serving.includes(version)) throw bad(`${where} names version ${version}, which is not serving`);
    return version;
  };
  let canary: Routing['canary'];
  if (spec.canary) {
    const versions: number[] = [];
    const cumulative: number[] = [];
    let sum = 0;
    for (const [name, weight] of Object.entries(spec.canary)) {
      const version = versionOf(name, `canary target '${name}'`);
      if (weight === 0) continue;
      sum += weight;
      versions.push(version);
      cumulative.push(sum);
    }
    canary = { versions, cumulative };
  }
  const shadow = spec.shadow === null ? undefined : versionOf(spec.shadow, 'shadow');
  return {
    spec,
    aliases,
    production,
    productionIsDefault,
    ...(canary ? { canary } : {}),
    ...(shadow === undefined ? {} : { shadow }),
    revision,
    updatedAt: new Date().toISOString(),
  };
}

/**
 * Versions a spec needs loaded, before resolution: alias targets, numeric canary targets and a numeric
 * shadow (alias targets are covered by the aliases).
 *
 * @param spec - Desired routing.
 * @returns Distinct version numbers.
 */
export function versionsNamedBy(spec: RoutingSpec): number[] {
  const versions = new Set<number>(Object.values(spec.aliases));
  for (const name of Object.keys(spec.canary ?? {})) if (VERSION_TEXT.test(name)) versions.add(Number(name));
  if (spec.shadow !== null && VERSION_TEXT.test(spec.shadow)) versions.add(Number(spec.shadow));
  return [...versions];
}

/**
 * Picks the version that serves one routed request.
 *
 * @param routing - Resolved routing.
 * @param random - A uniform number in [0, 1) (Math.random() in service; fixed in tests).
 * @returns The canary pick when a split is set, else production.
 */
export function pickVersion(routing: Routing, random: number): number {
  const canary = routing.canary;
  if (canary === undefined) return routing.production;
  const total = canary.cumulative[canary.cumulative.length - 1];
  const point = random * total;
  for (let i = 0; i < canary.cumulative.length; i++)
    if (point < canary.cumulative[i]) return canary.versions[i];
  return canary.versions[canary.versions.length - 1];
}

/**
 * The routing as the control API reports it.
 *
 * @param routing - Resolved routing.
 * @returns JSON-ready `{ aliases, canary, shadow, resolved: {...}, revision, updated_at }`.
 */
export function describeRouting(routing: Routing): Record<string, unknown> {
  return {
    aliases: routing.spec.aliases,
    canary: routing.spec.canary,
    shadow: routing.spec.shadow,
    resolved: {
      aliases: Object.fromEntries(routing.aliases),
      production_is_default: routing.productionIsDefault,
      canary: routing.canary
        ? routing.canary.versions.map((version, i) => ({
            version,
            share:
              (routing.canary!.cumulative[i] - (i === 0 ? 0 : routing.canary!.cumulative[i - 1])) /
              routing.canary!.cumulative[routing.canary!.cumulative.length - 1],
          }))
        : null,
      shadow: routing.shadow ?? null,
    },
    revision: routing.revision,
    updated_at: routing.updatedAt,
  };
}
