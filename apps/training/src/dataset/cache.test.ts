import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CacheKeyParts,
  cacheEntryPath,
  cacheKey,
  readCachedAnalysis,
  writeCachedAnalysis,
} from './cache';
import { analysisWith, lesion } from './testing.fixtures';

let dir: string;
const sha = 'a'.repeat(64);
const parts: CacheKeyParts = { fileSha256: sha, schemaHash: 'schema-1', pipelineVersion: 'pipeline-1' };
const result = analysisWith([lesion(0, 'mc', [1, 2, 3, 4], 5, 0)], sha);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'calcscope-cache-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('feature cache', () => {
  it('changes the key when any part changes', () => {
    const keys = new Set([
      cacheKey(parts),
      cacheKey({ ...parts, fileSha256: 'b'.repeat(64) }),
      cacheKey({ ...parts, schemaHash: 'schema-2' }),
      cacheKey({ ...parts, pipelineVersion: 'pipeline-2' }),
    ]);
    expect(keys.size).toBe(4);
    expect(cacheKey(parts)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('round-trips a result and misses for other parts', async () => {
    expect(await readCachedAnalysis(dir, parts)).toBeNull();
    await writeCachedAnalysis(dir, parts, result);
    expect(await readCachedAnalysis(dir, parts)).toEqual(result);
    expect(await readCachedAnalysis(dir, { ...parts, pipelineVersion: 'pipeline-2' })).toBeNull();
    expect(cacheEntryPath(dir, cacheKey(parts))).toContain(join(dir, cacheKey(parts).slice(0, 2)));
  });

  it('treats corrupt or foreign entries as misses', async () => {
    const path = cacheEntryPath(dir, cacheKey(parts));
    const good = await readFile(path, 'utf8');
    await writeFile(path, good.slice(0, good.length / 2));
    expect(await readCachedAnalysis(dir, parts)).toBeNull();
    // An entry whose recorded parts do not match its key (a copied file) is refused too.
    await writeFile(path, good.replace('pipeline-1', 'pipeline-X'));
    expect(await readCachedAnalysis(dir, parts)).toBeNull();
    await writeFile(path, good);
    expect(await readCachedAnalysis(dir, parts)).toEqual(result);
  });
});
