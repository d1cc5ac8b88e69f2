import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import { OnnxSessionError } from './errors';
import { GraphBuilder } from './graph-builder';
import * as op from './ops';
import { createSession, missingProviderLibrary, parseProviders } from './session';

function tinyModel(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', 'float32', ['N', 2]);
  g.output(op.mul(g, x, 3), 'y');
  return g.toBytes();
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('parseProviders', () => {
  it('defaults to cuda then cpu and normalises case, spaces and duplicates', () => {
    expect(parseProviders(undefined)).toEqual(['cuda', 'cpu']);
    expect(parseProviders('')).toEqual(['cuda', 'cpu']);
    expect(parseProviders(' CPU ')).toEqual(['cpu']);
    expect(parseProviders('cpu, cuda,cpu')).toEqual(['cpu', 'cuda']);
  });

  it('rejects unknown providers', () => {
    expect(() => parseProviders('cuda,tensorrt')).toThrow(OnnxSessionError);
  });
});

describe('missingProviderLibrary', () => {
  it('names the CUDA library exactly when it is absent from the installed onnxruntime-node', () => {
    expect(missingProviderLibrary('cpu')).toBeUndefined();
    const binary = join(
      dirname(createRequire(__filename).resolve('onnxruntime-node')),
      '..',
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
    );
    const installed = existsSync(join(binary, 'libonnxruntime_providers_cuda.so'));
    const reason = missingProviderLibrary('cuda');
    if (process.platform !== 'linux') return;
    if (installed) expect(reason).toBeUndefined();
    else
      expect(reason).toMatch(
        /libonnxruntime_providers_cuda\.so is not installed .*ONNXRUNTIME_NODE_INSTALL=cuda12/,
      );
  });
});

describe('createSession', () => {
  const savedEnv = process.env.ORT_PROVIDERS;
  afterEach(() => {
    if (savedEnv === undefined) delete process.env.ORT_PROVIDERS;
    else process.env.ORT_PROVIDERS = savedEnv;
  });

  it('falls back from an unavailable CUDA provider to CPU with one log line per process, and reports the one used', async () => {
    const lines: string[] = [];
    const { session, provider } = await createSession(tinyModel(), {
      providers: ['cuda', 'cpu'],
      log: (l) => lines.push(l),
    });
    expect(['cuda', 'cpu']).toContain(provider);
    if (provider === 'cpu') {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/'cuda' unavailable .*falling back to 'cpu'/);
      // The missing library is remembered: later sessions go straight to CPU without another line.
      const again = await createSession(tinyModel(), {
        providers: ['cuda', 'cpu'],
        log: (l) => lines.push(l),
      });
      expect(again.provider).toBe('cpu');
      expect(lines).toHaveLength(1);
      await again.session.release();
      // Without a fallback, the CUDA-only request fails with a typed error naming the cause.
      const error = await errorOf(createSession(tinyModel(), { providers: ['cuda'], log: () => {} }));
      expect(error).toBeInstanceOf(OnnxSessionError);
      expect((error as OnnxSessionError).code).toBe('NO_PROVIDER');
    } else {
      expect(lines).toHaveLength(0);
    }
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 2]), [1, 2]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([3, 6]);
    await session.release();
  });

  it('reads ORT_PROVIDERS when no providers are given', async () => {
    process.env.ORT_PROVIDERS = 'cpu';
    const lines: string[] = [];
    const { provider, session } = await createSession(tinyModel(), { log: (l) => lines.push(l) });
    expect(provider).toBe('cpu');
    expect(lines).toEqual([]);
    await session.release();
    process.env.ORT_PROVIDERS = 'gpu';
    const error = await errorOf(createSession(tinyModel()));
    expect((error as OnnxSessionError).code).toBe('UNKNOWN_PROVIDER');
  });

  it('loads from a file path with a fixed intra-op thread count and rejects bad counts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'onnx-session-'));
    try {
      const path = join(dir, 'model.onnx');
      writeFileSync(path, tinyModel());
      const { session, provider } = await createSession(path, { providers: ['cpu'], intraOpNumThreads: 1 });
      expect(provider).toBe('cpu');
      expect(session.inputNames).toEqual(['x']);
      await session.release();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const error = await errorOf(createSession(tinyModel(), { providers: ['cpu'], intraOpNumThreads: -1 }));
    expect((error as OnnxSessionError).code).toBe('INVALID_OPTION');
  });
});
