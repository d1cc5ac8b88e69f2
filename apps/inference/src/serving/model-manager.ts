/**
 * The model manager: which versions of which models are serving, how requests are routed among them,
 * and every change to that (load, unload, routing) — the service's state, behind the HTTP layer.
 *
 * Loading: every model folder of the repository is loaded at start; per model, the versions its
 * config.pbtxt's version_policy selects (Triton's default without a policy: the newest one), plus every
 * version the routing names (a canary or shadow target outside the policy is loaded on demand). Each
 * version is verified by loadModelVersion (sha256 of model.onnx against its card, feature-schema hash
 * among the accepted ones, config vs card), opened and warmed; a refusal is kept with its reason and
 * shown by the repository index, and never stops the other versions.
 *
 * Switching: a change (routing update, load, unload) loads and warms what it needs first, then replaces
 * the model's serving set and routing in one synchronous assignment, then retires what is no longer
 * needed; a retired version finishes its in-flight requests before its session is released. Changes are
 * serialised; requests never wait for them.
 */
import {
  loadModelVersion,
  ModelRepositoryError,
  type RepositoryModel,
  readRepository,
  type TritonModelConfig,
  type TritonVersionPolicy,
} from '@calcscope/model-repository';
import type { ExecutionProviderName } from '@calcscope/onnx';
import { InferenceError } from '../errors';
import type { InferenceMetrics } from '../metrics';
import { configToJson } from './config-json';
import type { HostTensorMap } from './host-tensor';
import { decodeInferRequest } from './infer-request';
import { encodeInferResponse, type InferResponseBody } from './infer-response';
import {
  DEFAULT_ROUTING_SPEC,
  describeRouting,
  isAliasName,
  pickVersion,
  type Routing,
  type RoutingSpec,
  resolveRouting,
  versionsNamedBy,
} from './routing';
import { ServedVersion } from './served-version';
import { apiShape } from './signature';
import type { ModelStatistics } from './version-stats';

/** Options of a ModelManager. */
export interface ModelManagerOptions {
  /** Repository root (Triton layout). */
  readonly repository: string;
  /** Execution providers to try in order. */
  readonly providers: readonly ExecutionProviderName[];
  /** Intra-op threads per session unless a config sets `intra_op_thread_count` (default 1). */
  readonly intraOpThreads?: number;
  /** Feature-schema hashes a model card may name (others are refused). */
  readonly acceptedSchemaHashes: Iterable<string>;
  readonly metrics: InferenceMetrics;
  /** Receives one line per notable event (refused version, provider fallback, switch); default console.warn. */
  readonly log?: (line: string) => void;
  /** Uniform random numbers in [0, 1) for canary splits (default Math.random). */
  readonly random?: () => number;
}

/** One entry of the repository index (Triton's model-repository extension). */
export interface RepositoryIndexEntry {
  name: string;
  version?: string;
  state: 'READY' | 'UNAVAILABLE' | 'LOADING' | 'UNLOADING';
  reason: string;
}

interface ModelEntry {
  readonly name: string;
  /** The config.pbtxt read at the last (re)load; undefined when it could not be read. */
  config: TritonModelConfig | undefined;
  /** Why the model folder as a whole cannot be loaded (config.pbtxt problem), if so. */
  problem: string | undefined;
  /** Version folders seen at the last scan, with the listing problem of each (undefined = listed fine). */
  onDisk: Map<number, string | undefined>;
  /** Versions refused while loading, with the reason. */
  failures: Map<number, string>;
  /** Versions serving now. Replaced as a whole, never mutated, so readers see a consistent set. */
  served: ReadonlyMap<number, ServedVersion>;
  /** Resolved routing over `served`; undefined when nothing serves. Replaced together with `served`. */
  routing: Routing | undefined;
  /** Desired routing, kept across unload/load. */
  spec: RoutingSpec;
  revision: number;
  /** Whether the model was unloaded through the control API. */
  unloaded: boolean;
}

/** A request's chosen versions, with references held. */
interface Picked {
  readonly primary: ServedVersion;
  readonly shadow?: ServedVersion;
}

const VERSION_SEGMENT = /^[1-9][0-9]{0,15}$/;

/**
 * Versions a version_policy selects among the usable ones (Triton: absent = latest 1).
 *
 * @param policy - The config's policy.
 * @param usable - Version numbers whose folder and card are valid, ascending.
 * @returns Selected versions, ascending.
 */
export function versionsByPolicy(
  policy: TritonVersionPolicy | undefined,
  usable: readonly number[],
): number[] {
  const chosen = policy ?? { kind: 'latest', numVersions: 1 };
  if (chosen.kind === 'all') return [...usable];
  if (chosen.kind === 'specific') return usable.filter((v) => chosen.versions.includes(v));
  return usable.slice(Math.max(0, usable.length - chosen.numVersions));
}

function describePolicy(policy: TritonVersionPolicy | undefined): string {
  if (policy === undefined) return 'latest 1 (default)';
  if (policy.kind === 'latest') return `latest ${policy.numVersions}`;
  if (policy.kind === 'all') return 'all';
  return `specific [${policy.versions.join(', ')}]`;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Largest absolute difference between same-named outputs (Infinity when their shapes differ). */
function maxAbsDifference(a: HostTensorMap, b: HostTensorMap): number {
  let max = 0;
  for (const name in a) {
    const x = a[name].data;
    const y = b[name]?.data;
    if (y === undefined || y.length !== x.length) return Number.POSITIVE_INFINITY;
    for (let i = 0; i < x.length; i++) {
      const d = Math.abs(Number(x[i]) - Number(y[i]));
      if (d > max || Number.isNaN(d)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
    }
  }
  return max;
}

/** Serves the models of one repository (see the module comment). */
export class ModelManager {
  private readonly models = new Map<string, ModelEntry>();
  private readonly arrivals = new Map<string, number>();
  private readonly retiring = new Set<Promise<void>>();
  private control: Promise<unknown> = Promise.resolve();
  private started = false;
  private closing = false;
  private readonly acceptedSchemaHashes: string[];
  private readonly log: (line: string) => void;
  private readonly random: () => number;

  constructor(private readonly options: ModelManagerOptions) {
    this.acceptedSchemaHashes = [...options.acceptedSchemaHashes];
    this.log = options.log ?? ((line) => console.warn(line));
    this.random = options.random ?? Math.random;
    options.metrics.setSources({
      pending: () =>
        this.servingVersions().map((s) => ({ model: s.name, version: s.version, count: s.pending })),
      loaded: () =>
        this.servingVersions().map((s) => ({ model: s.name, version: s.version, provider: s.provider })),
    });
  }

  /** Whether the start-up load has finished and the manager is not closing. */
  get ready(): boolean {
    return this.started && !this.closing;
  }

  /**
   * Loads every model of the repository (see the module comment). A refused version or model is
   * recorded with its reason, not thrown.
   *
   * @throws ModelRepositoryError NOT_FOUND when the repository folder does not exist.
   */
  start(): Promise<void> {
    return this.serial(async () => {
      for (const listing of await readRepository(this.options.repository)) {
        const entry = this.entryFor(listing.name);
        this.applyListing(entry, listing);
        if (entry.config === undefined) {
          this.log(`inference: model '${entry.name}' not loaded: ${entry.problem}`);
          continue;
        }
        try {
          await this.reconcile(entry, entry.spec);
        } catch (error) {
          this.log(`inference: model '${entry.name}' not loaded: ${reasonOf(error)}`);
        }
      }
      this.started = true;
    });
  }

  /** Names of every known model (in the repository at the last scan, or serving), sorted. */
  modelNames(): string[] {
    return [...this.models.keys()].sort();
  }

  /** Every version serving now, across models. */
  servingVersions(): ServedVersion[] {
    const all: ServedVersion[] = [];
    for (const entry of this.models.values()) for (const served of entry.served.values()) all.push(served);
    return all;
  }

  // ---------------------------------------------------------------------------------------------------
  // Requests

  /**
   * Notes that an inference request for `model` is being received (its body is still arriving); the
   * batchers of that model may then wait up to their queue delay for it. Unknown names are ignored.
   */
  beginArrival(model: string): void {
    if (this.models.has(model)) this.arrivals.set(model, (this.arrivals.get(model) ?? 0) + 1);
  }

  /** Ends a `beginArrival`; when none remain, that model's batchers stop waiting. */
  endArrival(model: string): void {
    const count = this.arrivals.get(model);
    if (count === undefined) return;
    if (count > 1) {
      this.arrivals.set(model, count - 1);
      return;
    }
    this.arrivals.delete(model);
    const entry = this.models.get(model);
    if (entry) for (const served of entry.served.values()) served.poke();
  }

  /**
   * Runs one OIP v2 inference request. Everything up to queueing happens synchronously, before the
   * returned promise first yields.
   *
   * @param model - Model name from the URL.
   * @param selector - Version from the URL: a number, an alias name, or undefined for routed traffic
   *   (canary split, shadow mirror).
   * @param body - The parsed JSON body.
   * @param receivedAt - performance.now() when the request arrived (for the duration metrics).
   * @returns The response body, naming the version that computed it.
   * @throws InferenceError NOT_FOUND (unknown model, version or alias), UNAVAILABLE (not serving),
   *   BAD_REQUEST (see decodeInferRequest), MODEL_FAILURE (the run failed).
   */
  async infer(
    model: string,
    selector: string | undefined,
    body: unknown,
    receivedAt: number = performance.now(),
  ): Promise<InferResponseBody> {
    return this.runPicked(model, this.pick(model, selector), body, receivedAt);
  }

  /**
   * Models serving now (their routing resolved), each with its production version, sorted by name: what
   * POST /v1/analyze matches lesions against. No reference is taken; empty while the repository loads.
   */
  servingModels(): Array<{ readonly name: string; readonly production: ServedVersion }> {
    if (!this.ready) return [];
    const models: Array<{ name: string; production: ServedVersion }> = [];
    for (const entry of this.models.values()) {
      const routing = entry.routing;
      if (routing !== undefined)
        models.push({ name: entry.name, production: entry.served.get(routing.production)! });
    }
    return models.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Runs one routed inference (canary split, shadow mirror, batching and metrics as for `infer` without a
   * version) whose request body is built for the version the routing picked — its card says which
   * feature columns, ROI size, ... it expects.
   *
   * @param model - Model name.
   * @param build - Builds the OIP v2 request body for the picked version (may throw InferenceError).
   * @param receivedAt - performance.now() when the work began (for the duration metrics).
   * @returns The response and the version that computed it.
   * @throws InferenceError as `infer`, or whatever `build` throws.
   */
  async inferRouted(
    model: string,
    build: (version: ServedVersion) => unknown,
    receivedAt: number = performance.now(),
  ): Promise<{ response: InferResponseBody; version: ServedVersion }> {
    const picked = this.pick(model, undefined);
    let body: unknown;
    try {
      body = build(picked.primary);
    } catch (error) {
      picked.primary.release();
      picked.shadow?.release();
      throw error;
    }
    const response = await this.runPicked(model, picked, body, receivedAt);
    return { response, version: picked.primary };
  }

  /** Decodes, queues and answers one request on picked versions; releases their references. */
  private async runPicked(
    model: string,
    { primary, shadow }: Picked,
    body: unknown,
    receivedAt: number,
  ): Promise<InferResponseBody> {
    let decoded: ReturnType<typeof decodeInferRequest>;
    try {
      decoded = decodeInferRequest(body, primary.signature);
    } catch (error) {
      const seconds = (performance.now() - receivedAt) / 1000;
      primary.instruments.request('bad_request', seconds);
      primary.stats.recordRequest(false, 0, seconds, undefined);
      primary.release();
      shadow?.release();
      throw error;
    }
    const run = primary.infer(decoded.inputs, decoded.rows);
    if (shadow) this.mirror(shadow, decoded.inputs, decoded.rows, run);
    try {
      const result = await run;
      const response = encodeInferResponse(
        model,
        primary.version,
        decoded.id,
        result.outputs,
        primary.signature,
        decoded.outputs,
      );
      const seconds = (performance.now() - receivedAt) / 1000;
      primary.instruments.request('success', seconds);
      primary.instruments.queue(result.queueSeconds);
      primary.stats.recordRequest(true, decoded.rows, seconds, result.queueSeconds);
      return response;
    } catch (error) {
      const seconds = (performance.now() - receivedAt) / 1000;
      primary.instruments.request('error', seconds);
      primary.stats.recordRequest(false, decoded.rows, seconds, undefined);
      throw error;
    } finally {
      primary.release();
    }
  }

  /** Runs a copy of a request on the shadow version and records how its outputs compare; never throws. */
  private mirror(
    shadow: ServedVersion,
    inputs: HostTensorMap,
    rows: number,
    primaryRun: Promise<{ outputs: HostTensorMap }>,
  ): void {
    const shadowRun = shadow.infer(inputs, rows);
    void Promise.allSettled([primaryRun, shadowRun]).then(([primary, mirrored]) => {
      if (mirrored.status === 'fulfilled')
        shadow.instruments.shadow(
          'success',
          primary.status === 'fulfilled'
            ? maxAbsDifference(primary.value.outputs, mirrored.value.outputs)
            : undefined,
        );
      else shadow.instruments.shadow('error', undefined);
      shadow.release();
    });
  }

  private entryOrThrow(model: string): ModelEntry {
    if (!this.started)
      throw new InferenceError(
        'UNAVAILABLE',
        'the server is not ready: the model repository is still loading',
      );
    if (this.closing) throw new InferenceError('UNAVAILABLE', 'the server is shutting down');
    const entry = this.models.get(model);
    if (entry === undefined) throw new InferenceError('NOT_FOUND', `unknown model '${model}'`);
    return entry;
  }

  private notServing(entry: ModelEntry): InferenceError {
    let reason: string;
    if (entry.unloaded) reason = 'it was unloaded';
    else if (entry.problem !== undefined) reason = entry.problem;
    else if (entry.failures.size > 0)
      reason = [...entry.failures].map(([v, why]) => `version ${v}: ${why}`).join('; ');
    else reason = 'no version is loaded';
    return new InferenceError('UNAVAILABLE', `model '${entry.name}' is not ready: ${reason}`);
  }

  /**
   * The version a request names (without taking a reference).
   *
   * @throws InferenceError NOT_FOUND / UNAVAILABLE as for `infer`.
   */
  private selectVersion(entry: ModelEntry, selector: string | undefined): ServedVersion {
    const routing = entry.routing;
    if (selector === undefined) {
      if (routing === undefined) throw this.notServing(entry);
      return entry.served.get(routing.production)!;
    }
    if (VERSION_SEGMENT.test(selector)) {
      const version = Number(selector);
      const served = entry.served.get(version);
      if (served) return served;
      if (!entry.onDisk.has(version))
        throw new InferenceError('NOT_FOUND', `model '${entry.name}' has no version ${version}`);
      throw new InferenceError(
        'UNAVAILABLE',
        `version ${version} of model '${entry.name}' is not loaded: ${this.versionReason(entry, version)}`,
      );
    }
    if (!isAliasName(selector))
      throw new InferenceError('NOT_FOUND', `'${selector}' is neither a version number nor an alias name`);
    if (routing === undefined) throw this.notServing(entry);
    const version = routing.aliases.get(selector);
    if (version === undefined)
      throw new InferenceError(
        'NOT_FOUND',
        `model '${entry.name}' has no alias '${selector}' (aliases: ${[...routing.aliases.keys()].join(', ')})`,
      );
    return entry.served.get(version)!;
  }

  private pick(model: string, selector: string | undefined): Picked {
    const entry = this.entryOrThrow(model);
    let primary: ServedVersion;
    let shadow: ServedVersion | undefined;
    if (selector === undefined) {
      const routing = entry.routing;
      if (routing === undefined) throw this.notServing(entry);
      primary = entry.served.get(pickVersion(routing, this.random()))!;
      if (routing.shadow !== undefined && routing.shadow !== primary.version)
        shadow = entry.served.get(routing.shadow);
    } else primary = this.selectVersion(entry, selector);
    // Routing only names serving versions and retirement happens after the switch, so this succeeds;
    // the check guards the invariant rather than a race (requests run synchronously up to here).
    if (!primary.acquire())
      throw new InferenceError('UNAVAILABLE', `version ${primary.version} of model '${model}' is unloading`);
    if (shadow && !shadow.acquire()) shadow = undefined;
    return shadow ? { primary, shadow } : { primary };
  }

  // ---------------------------------------------------------------------------------------------------
  // Metadata, readiness, config, statistics

  /**
   * OIP model metadata.
   *
   * @param model - Model name.
   * @param selector - Version number or alias; undefined = the production version.
   * @returns `{ name, versions, platform, inputs, outputs, parameters: { version, execution_provider } }`
   *   where `versions` lists every serving version and the tensors are those of the described version.
   * @throws InferenceError NOT_FOUND / UNAVAILABLE.
   */
  metadata(model: string, selector?: string): Record<string, unknown> {
    const entry = this.entryOrThrow(model);
    const served = this.selectVersion(entry, selector);
    const signature = served.signature;
    const tensor = (spec: (typeof signature.inputs)[number]) => ({
      name: spec.name,
      datatype: spec.datatype,
      shape: apiShape(spec, signature),
    });
    return {
      name: model,
      versions: [...entry.served.keys()].sort((a, b) => a - b).map(String),
      platform: 'onnxruntime_onnx',
      inputs: signature.inputs.map(tensor),
      outputs: signature.outputs.map(tensor),
      parameters: { version: String(served.version), execution_provider: served.provider },
    };
  }

  /**
   * Whether a model (or one of its versions) can serve inference now (false for every model while the
   * repository is still loading or the manager is closing).
   *
   * @throws InferenceError NOT_FOUND for an unknown model, or an unknown version or alias.
   */
  isModelReady(model: string, selector?: string): boolean {
    if (!this.ready) return false;
    const entry = this.entryOrThrow(model);
    try {
      return this.selectVersion(entry, selector).state === 'READY';
    } catch (error) {
      if (error instanceof InferenceError && error.code === 'UNAVAILABLE') return false;
      throw error;
    }
  }

  /**
   * The model's config.pbtxt as Triton's JSON.
   *
   * @throws InferenceError NOT_FOUND for an unknown model or version; UNAVAILABLE when its config could
   *   not be read.
   */
  config(model: string, selector?: string): Record<string, unknown> {
    const entry = this.entryOrThrow(model);
    if (selector !== undefined) return configToJson(model, this.selectVersion(entry, selector).config);
    if (entry.config === undefined)
      throw new InferenceError('UNAVAILABLE', `model '${model}' has no readable config: ${entry.problem}`);
    return configToJson(model, entry.config);
  }

  /**
   * Triton statistics of serving versions.
   *
   * @param model - Model name; undefined = every model.
   * @param selector - Version number or alias; undefined = every serving version of the model.
   * @returns `{ model_stats: [...] }`.
   * @throws InferenceError NOT_FOUND / UNAVAILABLE for an unknown or not-serving model or version.
   */
  statistics(model?: string, selector?: string): { model_stats: ModelStatistics[] } {
    let versions: ServedVersion[];
    if (model === undefined) versions = this.servingVersions();
    else {
      const entry = this.entryOrThrow(model);
      versions = selector === undefined ? [...entry.served.values()] : [this.selectVersion(entry, selector)];
    }
    versions.sort((a, b) => (a.name === b.name ? a.version - b.version : a.name < b.name ? -1 : 1));
    return { model_stats: versions.map((s) => s.stats.snapshot(s.name, s.version)) };
  }

  // ---------------------------------------------------------------------------------------------------
  // Repository control

  /**
   * The repository index: every model and version folder on disk (re-scanned now) and every serving
   * version, with state READY or UNAVAILABLE and the reason.
   *
   * @param readyOnly - Only READY entries (Triton's `{"ready": true}`).
   */
  async index(readyOnly = false): Promise<RepositoryIndexEntry[]> {
    const listings = await this.scan();
    const entries: RepositoryIndexEntry[] = [];
    const seen = new Set<string>();
    for (const listing of listings) {
      seen.add(listing.name);
      const entry = this.models.get(listing.name);
      if (listing.configProblem)
        entries.push({ name: listing.name, state: 'UNAVAILABLE', reason: listing.configProblem.message });
      for (const version of listing.versions) {
        const served = entry?.served.get(version.version);
        if (served)
          entries.push({ name: listing.name, version: String(version.version), state: 'READY', reason: '' });
        else
          entries.push({
            name: listing.name,
            version: String(version.version),
            state: 'UNAVAILABLE',
            reason:
              version.problem?.message ??
              (entry
                ? this.versionReason(entry, version.version)
                : 'not loaded: the model appeared after start; load it'),
          });
      }
    }
    for (const entry of this.models.values()) {
      if (seen.has(entry.name)) continue;
      for (const served of entry.served.values())
        entries.push({
          name: entry.name,
          version: String(served.version),
          state: 'READY',
          reason: 'serving; its folder is no longer in the repository',
        });
    }
    return readyOnly ? entries.filter((e) => e.state === 'READY') : entries;
  }

  private versionReason(entry: ModelEntry, version: number): string {
    const failure = entry.failures.get(version);
    if (failure !== undefined) return failure;
    const listed = entry.onDisk.get(version);
    if (listed !== undefined) return listed;
    if (entry.unloaded) return 'the model was unloaded';
    if (entry.problem !== undefined) return entry.problem;
    const current = entry.served.get(version);
    if (current && current.state !== 'READY') return 'unloading';
    return `not loaded: outside version_policy ${describePolicy(entry.config?.versionPolicy)} and not named by the routing`;
  }

  /**
   * Loads (or reloads) a model from the repository: re-reads its folder and config, loads and warms the
   * versions its policy and routing need, switches atomically, and retires versions no longer needed.
   * New versions written by training appear this way, and production moves to the newest one unless
   * the routing pins it.
   *
   * @param model - Model name.
   * @throws InferenceError NOT_FOUND when the model folder is absent; BAD_REQUEST when its config cannot
   *   be read or no version could be loaded (the reasons are in the message; what served before keeps
   *   serving).
   */
  load(model: string): Promise<void> {
    return this.serial(async () => {
      const listing = (await this.scan()).find((m) => m.name === model);
      if (listing === undefined)
        throw new InferenceError('NOT_FOUND', `model '${model}' has no folder in the repository`);
      const entry = this.entryFor(model);
      this.applyListing(entry, listing);
      if (entry.config === undefined)
        throw new InferenceError('BAD_REQUEST', `failed to load '${model}': ${entry.problem}`);
      entry.unloaded = false;
      const missing = versionsNamedBy(entry.spec).filter((version) => !entry.onDisk.has(version));
      if (missing.length > 0) {
        this.log(
          `inference: routing of '${model}' names versions no longer in the repository (${missing.join(', ')}); reset to the default`,
        );
        entry.spec = DEFAULT_ROUTING_SPEC;
      }
      await this.reconcile(entry, entry.spec);
      if (entry.served.size === 0)
        throw new InferenceError(
          'BAD_REQUEST',
          `failed to load '${model}': ${this.notServing(entry).message}`,
        );
    });
  }

  /**
   * Unloads every version of a model: it stops serving at once, in-flight requests finish, then the
   * sessions are released. Its routing is kept for the next load.
   *
   * @throws InferenceError NOT_FOUND for an unknown model.
   */
  unload(model: string): Promise<void> {
    return this.serial(async () => {
      const entry = this.entryOrThrow(model);
      const old = entry.served;
      entry.unloaded = true;
      entry.served = new Map();
      entry.routing = undefined;
      await Promise.all([...old.values()].map((served) => this.retire(served)));
    });
  }

  /**
   * The model's routing as set and as resolved.
   *
   * @throws InferenceError NOT_FOUND for an unknown model; UNAVAILABLE when nothing serves.
   */
  routing(model: string): Record<string, unknown> {
    const entry = this.entryOrThrow(model);
    if (entry.routing === undefined) throw this.notServing(entry);
    return {
      model,
      ...describeRouting(entry.routing),
      serving: [...entry.served.keys()].sort((a, b) => a - b),
    };
  }

  /**
   * Replaces a model's routing: loads and warms any version it names that is not serving, then switches
   * atomically and retires versions neither the policy nor the routing needs any more.
   *
   * @param model - Model name.
   * @param spec - The whole desired routing (see parseRoutingSpec).
   * @returns The routing as `routing(model)` reports it.
   * @throws InferenceError NOT_FOUND for an unknown model; UNAVAILABLE when it is unloaded; BAD_REQUEST
   *   when the spec names a version absent from the repository, one that fails to load, or an alias it
   *   does not define (the previous routing stays).
   */
  setRouting(model: string, spec: RoutingSpec): Promise<Record<string, unknown>> {
    return this.serial(async () => {
      const entry = this.entryOrThrow(model);
      if (entry.unloaded || entry.config === undefined) throw this.notServing(entry);
      for (const version of versionsNamedBy(spec)) {
        if (!entry.onDisk.has(version))
          throw new InferenceError(
            'BAD_REQUEST',
            `model '${model}' has no version ${version} in the repository`,
          );
      }
      await this.reconcile(entry, spec);
      entry.spec = spec;
      this.log(
        `inference: routing of '${model}' is now revision ${entry.revision}: production ${entry.routing?.production}`,
      );
      return this.routing(model);
    });
  }

  /**
   * Stops the manager: waits for pending control operations, retires every version and waits until
   * their in-flight requests have finished and sessions are released.
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.control.catch(() => undefined);
    const all: Promise<void>[] = [];
    for (const entry of this.models.values()) {
      const old = entry.served;
      entry.served = new Map();
      entry.routing = undefined;
      for (const served of old.values()) all.push(this.retire(served));
    }
    await Promise.all([...all, ...this.retiring]);
  }

  // ---------------------------------------------------------------------------------------------------
  // Internals

  /** Lists the repository; an unreadable repository is a 503 for the caller, not a crash. */
  private async scan(): Promise<RepositoryModel[]> {
    try {
      return await readRepository(this.options.repository);
    } catch (error) {
      throw new InferenceError('UNAVAILABLE', `the model repository cannot be read: ${reasonOf(error)}`, {
        cause: error,
      });
    }
  }

  private serial<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.control.then(operation, operation);
    this.control = run.catch(() => undefined);
    return run;
  }

  private entryFor(name: string): ModelEntry {
    let entry = this.models.get(name);
    if (entry === undefined) {
      entry = {
        name,
        config: undefined,
        problem: undefined,
        onDisk: new Map(),
        failures: new Map(),
        served: new Map(),
        routing: undefined,
        spec: DEFAULT_ROUTING_SPEC,
        revision: 0,
        unloaded: false,
      };
      this.models.set(name, entry);
    }
    return entry;
  }

  private applyListing(entry: ModelEntry, listing: RepositoryModel): void {
    entry.config = listing.config;
    entry.problem = listing.configProblem?.message;
    entry.onDisk = new Map(listing.versions.map((v) => [v.version, v.problem?.message]));
  }

  /** Loads, verifies, opens and warms one version; records and rethrows a refusal. */
  private async open(entry: ModelEntry, version: number): Promise<ServedVersion> {
    try {
      const loaded = await loadModelVersion(this.options.repository, entry.name, version, {
        acceptedSchemaHashes: this.acceptedSchemaHashes,
      });
      const served = await ServedVersion.open(loaded, {
        providers: this.options.providers,
        intraOpThreads: this.options.intraOpThreads ?? 1,
        instruments: this.options.metrics.forVersion(entry.name, version),
        moreExpected: () => this.arrivals.has(entry.name),
        log: this.log,
      });
      entry.failures.delete(version);
      this.log(
        `inference: loaded ${entry.name} version ${version} on ${served.provider} (warm-up ${(served.warmSeconds * 1000).toFixed(1)} ms)`,
      );
      return served;
    } catch (error) {
      const reason =
        error instanceof ModelRepositoryError ? `${error.code}: ${error.message}` : reasonOf(error);
      entry.failures.set(version, reason);
      this.log(`inference: refused ${entry.name} version ${version}: ${reason}`);
      throw error;
    }
  }

  /**
   * Brings a model to the versions `spec` and its policy need, then switches atomically.
   *
   * @throws InferenceError BAD_REQUEST when a version the spec names fails to load or the spec does not
   *   resolve (nothing changes; versions loaded for it are released again).
   */
  private async reconcile(entry: ModelEntry, spec: RoutingSpec): Promise<void> {
    const usable = [...entry.onDisk].filter(([, problem]) => problem === undefined).map(([v]) => v);
    usable.sort((a, b) => a - b);
    const byPolicy = versionsByPolicy(entry.config?.versionPolicy, usable);
    const named = versionsNamedBy(spec);
    const wanted = [...new Set([...byPolicy, ...named])].sort((a, b) => a - b);
    const next = new Map<number, ServedVersion>();
    const opened: ServedVersion[] = [];
    const refusedNamed: string[] = [];
    for (const version of wanted) {
      const current = entry.served.get(version);
      if (current) {
        next.set(version, current);
        continue;
      }
      try {
        const served = await this.open(entry, version);
        opened.push(served);
        next.set(version, served);
      } catch (error) {
        if (named.includes(version)) refusedNamed.push(`version ${version}: ${reasonOf(error)}`);
      }
    }
    let routing: Routing | undefined;
    try {
      if (refusedNamed.length > 0)
        throw new InferenceError(
          'BAD_REQUEST',
          `the routing names versions that failed to load: ${refusedNamed.join('; ')}`,
        );
      if (next.size === 0 && entry.served.size > 0)
        throw new InferenceError(
          'BAD_REQUEST',
          `no version of '${entry.name}' could be loaded; the versions serving before keep serving (${[...entry.failures].map(([v, why]) => `version ${v}: ${why}`).join('; ')})`,
        );
      routing = next.size === 0 ? undefined : resolveRouting(spec, [...next.keys()], entry.revision + 1);
    } catch (error) {
      await Promise.all(opened.map((served) => this.retire(served)));
      throw error;
    }
    const old = entry.served;
    // The switch: serving set and routing change together, in one synchronous step.
    entry.served = next;
    entry.routing = routing;
    entry.revision += 1;
    for (const [version, served] of old) if (next.get(version) !== served) void this.retire(served);
  }

  private retire(served: ServedVersion): Promise<void> {
    const done = served.retire().finally(() => this.retiring.delete(done));
    this.retiring.add(done);
    return done;
  }
}
