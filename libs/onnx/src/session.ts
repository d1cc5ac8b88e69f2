import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { OnnxSessionError } from './errors';

/** Execution providers this library asks onnxruntime for, in the names `ORT_PROVIDERS` uses. */
export type ExecutionProviderName = 'cuda' | 'cpu';

const KNOWN_PROVIDERS: readonly ExecutionProviderName[] = ['cuda', 'cpu'];

/**
 * Providers whose library failed to load in this process, with the reason. Such a failure does not depend
 * on the model, so later sessions skip the provider without asking onnxruntime (and logging) again.
 */
const unavailableProviders = new Map<ExecutionProviderName, string>();

/** Providers whose library is not installed at all (missingProviderLibrary): not even worth a last try. */
const missingLibraries = new Set<ExecutionProviderName>();

/** The CUDA provider library onnxruntime-node loads from beside its binding, per platform. */
const CUDA_PROVIDER_LIBRARY: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'libonnxruntime_providers_cuda.so',
  win32: 'onnxruntime_providers_cuda.dll',
};

/**
 * Why a provider cannot load, found without asking onnxruntime, or undefined when it may load. Asking is
 * what CUDA's absence would otherwise be found by, and onnxruntime's native loader then prints an error
 * line of its own ("Failed to load library …providers_shared.so") that no log level silences. Only CUDA
 * is checked: its library comes from onnxruntime-node's install script, which `.npmrc` skips here
 * (`onnxruntime-node-install=skip`; a GPU host installs it with `ONNXRUNTIME_NODE_INSTALL=cuda12`).
 *
 * @param provider - The provider to check.
 * @returns The reason it cannot load, or undefined (present, or not checkable: onnxruntime decides).
 */
export function missingProviderLibrary(provider: ExecutionProviderName): string | undefined {
  if (provider !== 'cuda') return undefined;
  const file = CUDA_PROVIDER_LIBRARY[process.platform];
  if (file === undefined) return `onnxruntime-node has no CUDA build for ${process.platform}`;
  let binary: string;
  try {
    const entry = createRequire(__filename).resolve('onnxruntime-node');
    binary = join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
  if (existsSync(join(binary, file))) return undefined;
  return `${file} is not installed beside onnxruntime-node's binding (install the CUDA build with ONNXRUNTIME_NODE_INSTALL=cuda12 npm install)`;
}

/** Errors raised while attaching a provider (its library is missing), as opposed to errors of the model. */
const PROVIDER_LOAD_FAILURE = /AppendExecutionProvider|shared library|not (?:available|enabled|supported)/i;

/** Options of `createSession`. */
export interface CreateSessionOptions {
  /** Providers to try, in order (default: `ORT_PROVIDERS`, else `cuda,cpu`). */
  readonly providers?: readonly ExecutionProviderName[];
  /** Threads of one op (onnxruntime's intra-op pool); undefined or 0 lets onnxruntime pick (one per core). */
  readonly intraOpNumThreads?: number;
  /** onnxruntime graph optimisation level (default `'all'`). */
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /**
   * Whether idle intra-op threads busy-wait for work (onnxruntime's default, true). With more than one thread
   * on a machine whose cores are shared with other processes, spinning threads burn the time the others
   * need: false makes them sleep (`session.intra_op.allow_spinning = 0`).
   */
  readonly allowSpinning?: boolean;
  /** Receives the one-line notice when a provider is unavailable (default `console.warn`). */
  readonly log?: (line: string) => void;
}

/** A session and the execution provider that actually runs it. */
export interface OnnxSession {
  readonly session: ort.InferenceSession;
  readonly provider: ExecutionProviderName;
}

/**
 * Parses a provider list such as `ORT_PROVIDERS=cuda,cpu`.
 *
 * @param value - Comma-separated names (case and spaces ignored); undefined or empty gives the default.
 * @returns The providers in order, without duplicates (default `['cuda', 'cpu']`).
 * @throws OnnxSessionError `UNKNOWN_PROVIDER` for a name other than cuda or cpu.
 */
export function parseProviders(value: string | undefined): ExecutionProviderName[] {
  const names = (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  if (names.length === 0) return ['cuda', 'cpu'];
  const out: ExecutionProviderName[] = [];
  for (const name of names) {
    if (!KNOWN_PROVIDERS.includes(name as ExecutionProviderName)) {
      throw new OnnxSessionError(
        'UNKNOWN_PROVIDER',
        `unknown execution provider '${name}' (known: ${KNOWN_PROVIDERS.join(', ')})`,
      );
    }
    if (!out.includes(name as ExecutionProviderName)) out.push(name as ExecutionProviderName);
  }
  return out;
}

/**
 * Creates an onnxruntime session, trying execution providers in order. onnxruntime-node throws when a
 * provider's library is missing (e.g. CUDA on a CPU-only host: "Failed to load shared library") instead of
 * falling back, so each provider is tried alone; a failure logs one line and the next provider is tried.
 * A CUDA library that is not installed is seen before asking onnxruntime (missingProviderLibrary).
 * A provider whose library failed to load is remembered and skipped silently by later calls in the process.
 *
 * @param model - ONNX bytes or a file path.
 * @param options - Providers, intra-op threads, optimisation level, logger.
 * @returns The session and the provider that created it.
 * @throws OnnxSessionError `INVALID_OPTION` for a bad thread count or empty provider list, `UNKNOWN_PROVIDER`
 *   for a bad `ORT_PROVIDERS`, `NO_PROVIDER` when every provider failed (the last error is the cause).
 */
export async function createSession(
  model: Uint8Array | string,
  options: CreateSessionOptions = {},
): Promise<OnnxSession> {
  const providers = options.providers ?? parseProviders(process.env.ORT_PROVIDERS);
  if (providers.length === 0) throw new OnnxSessionError('INVALID_OPTION', 'providers must not be empty');
  const threads = options.intraOpNumThreads ?? 0;
  if (!Number.isInteger(threads) || threads < 0) {
    throw new OnnxSessionError(
      'INVALID_OPTION',
      `intraOpNumThreads must be a non-negative integer, got ${threads}`,
    );
  }
  const log = options.log ?? ((line: string) => console.warn(line));
  const failures: string[] = [];
  let lastError: unknown;
  /** Records why provider i failed and announces the fallback, if there is one. */
  const failed = (i: number, reason: string): void => {
    failures.push(`${providers[i]}: ${reason}`);
    const next = providers[i + 1];
    if (next)
      log(`onnx: execution provider '${providers[i]}' unavailable (${reason}); falling back to '${next}'`);
  };
  for (let i = 0; i < providers.length; i++) {
    const provider = providers[i];
    const known = unavailableProviders.get(provider);
    if (known !== undefined && (i < providers.length - 1 || missingLibraries.has(provider))) {
      failures.push(`${provider}: ${known}`);
      continue;
    }
    const missing = known === undefined ? missingProviderLibrary(provider) : undefined;
    if (missing !== undefined) {
      unavailableProviders.set(provider, missing);
      missingLibraries.add(provider);
      failed(i, missing);
      continue;
    }
    const sessionOptions: ort.InferenceSession.SessionOptions = {
      executionProviders: [provider],
      graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
      ...(threads > 0 ? { intraOpNumThreads: threads } : {}),
      ...(options.allowSpinning === false
        ? { extra: { session: { intra_op: { allow_spinning: '0' } } } }
        : {}),
      // A provider that cannot load is an expected event here; keep onnxruntime's own error log quiet.
      logSeverityLevel: i < providers.length - 1 ? 4 : 3,
    };
    try {
      const session =
        typeof model === 'string'
          ? await ort.InferenceSession.create(model, sessionOptions)
          : await ort.InferenceSession.create(model, sessionOptions);
      return { session, provider };
    } catch (error) {
      lastError = error;
      const reason = firstLine(error);
      if (PROVIDER_LOAD_FAILURE.test(reason)) unavailableProviders.set(provider, reason);
      failed(i, reason);
    }
  }
  throw new OnnxSessionError(
    'NO_PROVIDER',
    `no execution provider could create the session: ${failures.join('; ')}`,
    {
      cause: lastError,
    },
  );
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].slice(0, 200);
}
