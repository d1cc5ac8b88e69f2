/**
 * The service's settings, read from environment variables once at start and validated together, so a
 * misconfigured deployment fails with one message naming every bad variable.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { type ExecutionProviderName, parseProviders } from '@calcscope/onnx';
import { SettingsError } from './errors';

/** Validated settings of the inference service. */
export interface InferenceSettings {
  /** TCP port (`INFERENCE_PORT`, default 8000; 0 picks a free port). */
  readonly port: number;
  /** Interface to listen on (`INFERENCE_HOST`, default 0.0.0.0: every interface, as in a container). */
  readonly host: string;
  /** Absolute path of the Triton-layout model repository (`MODEL_REPOSITORY`, default `models`). */
  readonly modelRepository: string;
  /** Execution providers to try in order (`ORT_PROVIDERS`, default `cuda,cpu`). */
  readonly providers: readonly ExecutionProviderName[];
  /** Largest accepted request body in bytes (`INFERENCE_MAX_BODY_BYTES`, default 32 MiB). */
  readonly maxBodyBytes: number;
  /**
   * onnxruntime intra-op threads per session unless a model's config.pbtxt sets `intra_op_thread_count`
   * (`INFERENCE_INTRA_OP_THREADS`, default 1; 0 lets onnxruntime use one per core). One thread by default
   * because the event loop shares the cores and the tabular models are too small to gain from more.
   */
  readonly intraOpThreads: number;
  /** How long SIGTERM waits for in-flight requests before closing connections (`INFERENCE_DRAIN_TIMEOUT_MS`, default 8000). */
  readonly drainTimeoutMs: number;
  /**
   * Feature-schema hashes accepted besides the built-in feature schema's (`ACCEPTED_SCHEMA_HASHES`,
   * comma-separated sha256 hex; for models trained on user feature tables).
   */
  readonly extraSchemaHashes: readonly string[];
  /**
   * Worker threads running the image pipeline of POST /v1/analyze (`INFERENCE_ANALYZE_WORKERS`, default
   * max(1, cores − 1): one core stays with the event loop and onnxruntime). 0 runs analyses on the main
   * thread — for debugging only, it blocks the event loop for the length of an analysis.
   */
  readonly analyzeWorkers: number;
  /** Largest image body POST /v1/analyze accepts, bytes (`INFERENCE_ANALYZE_MAX_BODY_BYTES`, default 64 MiB). */
  readonly analyzeMaxBodyBytes: number;
  /**
   * Largest rows × columns an analysed image may declare (`INFERENCE_ANALYZE_MAX_PIXELS`, default 30e6,
   * above a 4096 × 5915 detector); checked from the header before any pixel is decoded (413 beyond).
   */
  readonly analyzeMaxPixels: number;
  /** Analyses queued or running at once; more are refused with 503 (`INFERENCE_ANALYZE_MAX_PENDING`, default 16). */
  readonly analyzeMaxPending: number;
  /** How long one analysis may run in its worker before the worker is replaced (`INFERENCE_ANALYZE_TIMEOUT_MS`, default 120000). */
  readonly analyzeTimeoutMs: number;
}

/** Defaults of every setting, as documented in ARCHITECTURE.md and the README. */
export const DEFAULT_SETTINGS = {
  port: 8000,
  host: '0.0.0.0',
  modelRepository: 'models',
  maxBodyBytes: 32 * 1024 * 1024,
  intraOpThreads: 1,
  drainTimeoutMs: 8000,
  analyzeMaxBodyBytes: 64 * 1024 * 1024,
  analyzeMaxPixels: 30_000_000,
  analyzeMaxPending: 16,
  analyzeTimeoutMs: 120_000,
} as const;

/**
 * Default number of analysis worker threads: every core but one, at least one.
 *
 * @param cores - Cores available to the process (default `os.availableParallelism()`).
 * @returns max(1, cores − 1).
 */
export function defaultAnalyzeWorkers(cores: number = availableParallelism()): number {
  return Math.max(1, cores - 1);
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

function integerSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
  problems: string[],
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const text = raw.trim();
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    problems.push(`${name}='${raw}' must be an integer from ${min} to ${max}`);
    return fallback;
  }
  return value;
}

/**
 * Reads and validates the service's settings.
 *
 * @param env - Environment variables (default `process.env`).
 * @param cwd - Directory a relative `MODEL_REPOSITORY` is resolved against (default `process.cwd()`).
 * @returns The settings with defaults filled in and the repository path made absolute.
 * @throws SettingsError listing every problem: a port outside 0–65535, a repository that is missing or
 *   not a directory, an unknown execution provider, a body limit below 1 KiB, a negative thread count,
 *   a drain timeout outside 0–60000 ms, a schema hash that is not 64 lowercase hex digits, or analyze
 *   settings out of range (workers 0–256, body 1 KiB–2 GiB, pixels 1–1e9, pending 1–10000, timeout
 *   1000–3600000 ms).
 */
export function loadSettings(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): InferenceSettings {
  const problems: string[] = [];
  const port = integerSetting(env, 'INFERENCE_PORT', DEFAULT_SETTINGS.port, 0, 65535, problems);
  const host = env.INFERENCE_HOST?.trim() || DEFAULT_SETTINGS.host;
  const repositoryText = env.MODEL_REPOSITORY?.trim() || DEFAULT_SETTINGS.modelRepository;
  const modelRepository = resolve(cwd, repositoryText);
  try {
    if (!statSync(modelRepository).isDirectory())
      problems.push(`MODEL_REPOSITORY='${repositoryText}' (${modelRepository}) is not a directory`);
  } catch {
    problems.push(
      `MODEL_REPOSITORY='${repositoryText}' (${modelRepository}) does not exist: create it or point MODEL_REPOSITORY at a Triton-layout model repository`,
    );
  }
  let providers: ExecutionProviderName[] = ['cuda', 'cpu'];
  try {
    providers = parseProviders(env.ORT_PROVIDERS);
  } catch (error) {
    problems.push(`ORT_PROVIDERS='${env.ORT_PROVIDERS}': ${(error as Error).message}`);
  }
  const maxBodyBytes = integerSetting(
    env,
    'INFERENCE_MAX_BODY_BYTES',
    DEFAULT_SETTINGS.maxBodyBytes,
    1024,
    2 ** 31 - 1,
    problems,
  );
  const intraOpThreads = integerSetting(
    env,
    'INFERENCE_INTRA_OP_THREADS',
    DEFAULT_SETTINGS.intraOpThreads,
    0,
    1024,
    problems,
  );
  const drainTimeoutMs = integerSetting(
    env,
    'INFERENCE_DRAIN_TIMEOUT_MS',
    DEFAULT_SETTINGS.drainTimeoutMs,
    0,
    60_000,
    problems,
  );
  const extraSchemaHashes = (env.ACCEPTED_SCHEMA_HASHES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const hash of extraSchemaHashes)
    if (!SHA256_HEX.test(hash))
      problems.push(`ACCEPTED_SCHEMA_HASHES: '${hash}' is not a sha256 hash (64 lowercase hex digits)`);
  const analyzeWorkers = integerSetting(
    env,
    'INFERENCE_ANALYZE_WORKERS',
    defaultAnalyzeWorkers(),
    0,
    256,
    problems,
  );
  const analyzeMaxBodyBytes = integerSetting(
    env,
    'INFERENCE_ANALYZE_MAX_BODY_BYTES',
    DEFAULT_SETTINGS.analyzeMaxBodyBytes,
    1024,
    2 ** 31 - 1,
    problems,
  );
  const analyzeMaxPixels = integerSetting(
    env,
    'INFERENCE_ANALYZE_MAX_PIXELS',
    DEFAULT_SETTINGS.analyzeMaxPixels,
    1,
    1e9,
    problems,
  );
  const analyzeMaxPending = integerSetting(
    env,
    'INFERENCE_ANALYZE_MAX_PENDING',
    DEFAULT_SETTINGS.analyzeMaxPending,
    1,
    10_000,
    problems,
  );
  const analyzeTimeoutMs = integerSetting(
    env,
    'INFERENCE_ANALYZE_TIMEOUT_MS',
    DEFAULT_SETTINGS.analyzeTimeoutMs,
    1000,
    3_600_000,
    problems,
  );
  if (problems.length > 0) throw new SettingsError(problems);
  return {
    port,
    host,
    modelRepository,
    providers,
    maxBodyBytes,
    intraOpThreads,
    drainTimeoutMs,
    extraSchemaHashes,
    analyzeWorkers,
    analyzeMaxBodyBytes,
    analyzeMaxPixels,
    analyzeMaxPending,
    analyzeTimeoutMs,
  };
}
