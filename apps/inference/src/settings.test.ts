import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SettingsError } from './errors';
import { DEFAULT_SETTINGS, defaultAnalyzeWorkers, loadSettings } from './settings';

const cwd = mkdtempSync(join(tmpdir(), 'calcscope-settings-'));
const repo = join(cwd, 'models');
mkdirSync(repo);
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadSettings(env, cwd);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as SettingsError).problems;
  }
  return [];
}

describe('loadSettings', () => {
  it('uses the documented defaults and resolves the repository against cwd', () => {
    const settings = loadSettings({}, cwd);
    expect(settings).toEqual({
      port: 8000,
      host: '0.0.0.0',
      modelRepository: repo,
      providers: ['cuda', 'cpu'],
      maxBodyBytes: DEFAULT_SETTINGS.maxBodyBytes,
      intraOpThreads: 1,
      drainTimeoutMs: 8000,
      extraSchemaHashes: [],
      analyzeWorkers: defaultAnalyzeWorkers(),
      analyzeMaxBodyBytes: 64 * 1024 * 1024,
      analyzeMaxPixels: 30_000_000,
      analyzeMaxPending: 16,
      analyzeTimeoutMs: 120_000,
    });
  });

  it('keeps one core for the event loop when picking the analysis worker count', () => {
    expect(defaultAnalyzeWorkers(1)).toBe(1);
    expect(defaultAnalyzeWorkers(2)).toBe(1);
    expect(defaultAnalyzeWorkers(16)).toBe(15);
  });

  it('reads every variable', () => {
    const hash = 'a'.repeat(64);
    const settings = loadSettings(
      {
        INFERENCE_PORT: '0',
        INFERENCE_HOST: '127.0.0.1',
        MODEL_REPOSITORY: cwd,
        ORT_PROVIDERS: 'CPU',
        INFERENCE_MAX_BODY_BYTES: '2048',
        INFERENCE_INTRA_OP_THREADS: '0',
        INFERENCE_DRAIN_TIMEOUT_MS: '500',
        ACCEPTED_SCHEMA_HASHES: ` ${hash} ,`,
        INFERENCE_ANALYZE_WORKERS: '0',
        INFERENCE_ANALYZE_MAX_BODY_BYTES: '4096',
        INFERENCE_ANALYZE_MAX_PIXELS: '1000',
        INFERENCE_ANALYZE_MAX_PENDING: '2',
        INFERENCE_ANALYZE_TIMEOUT_MS: '5000',
      },
      '/',
    );
    expect(settings).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      modelRepository: cwd,
      providers: ['cpu'],
      maxBodyBytes: 2048,
      intraOpThreads: 0,
      drainTimeoutMs: 500,
      extraSchemaHashes: [hash],
      analyzeWorkers: 0,
      analyzeMaxBodyBytes: 4096,
      analyzeMaxPixels: 1000,
      analyzeMaxPending: 2,
      analyzeTimeoutMs: 5000,
    });
  });

  it('lists every bad variable in one error with a clear message', () => {
    const file = join(cwd, 'a-file');
    writeFileSync(file, 'x');
    const problems = problemsOf({
      INFERENCE_PORT: '80a',
      MODEL_REPOSITORY: 'does-not-exist',
      ORT_PROVIDERS: 'cuda,tpu',
      INFERENCE_MAX_BODY_BYTES: '10',
      INFERENCE_INTRA_OP_THREADS: '-1',
      INFERENCE_DRAIN_TIMEOUT_MS: '99999999',
      ACCEPTED_SCHEMA_HASHES: 'xyz',
      INFERENCE_ANALYZE_WORKERS: 'many',
      INFERENCE_ANALYZE_TIMEOUT_MS: '10',
    });
    expect(problems).toHaveLength(9);
    expect(problems.join('\n')).toMatch(/INFERENCE_ANALYZE_WORKERS='many' must be an integer from 0 to 256/);
    expect(problems.join('\n')).toMatch(/INFERENCE_ANALYZE_TIMEOUT_MS='10' must be an integer from 1000/);
    expect(problems[0]).toMatch(/INFERENCE_PORT='80a' must be an integer from 0 to 65535/);
    expect(problems[1]).toMatch(/MODEL_REPOSITORY='does-not-exist' .* does not exist/);
    expect(problems[2]).toMatch(/ORT_PROVIDERS='cuda,tpu': unknown execution provider 'tpu'/);
    expect(problems.join('\n')).toMatch(/ACCEPTED_SCHEMA_HASHES: 'xyz' is not a sha256 hash/);
    expect(problemsOf({ MODEL_REPOSITORY: file })[0]).toMatch(/is not a directory/);
    expect(problemsOf({ MODEL_REPOSITORY: repo, INFERENCE_PORT: '65536' })[0]).toMatch(/INFERENCE_PORT/);
  });
});
