import { spawnSync } from 'node:child_process';
import { mkdir, readdir, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelRepositoryError } from './errors';
import {
  DEFAULT_STAGING_MAX_AGE_MS,
  hostTag,
  isProcessGone,
  parseStagingOwner,
  removeStaleStaging,
  removeStaleStagingIn,
  stagingFolderName,
} from './staging';
import { cardDraft, modelBytes, withRepository } from './testing.fixtures';
import { writeModelVersion } from './write-version';

const NAME = 'malignancy-sae-combined';
const HOUR = 60 * 60 * 1000;

/** The pid of a process that has run and been reaped: a real pid that no longer exists. */
function exitedPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  expect(child.status).toBe(0);
  expect(isProcessGone(child.pid)).toBe(true);
  return child.pid;
}

/** A folder `name` in `modelDir` holding a partial model, its mtime set `ageMs` in the past. */
async function staging(modelDir: string, name: string, ageMs = 0): Promise<string> {
  const path = join(modelDir, name);
  await mkdir(path, { recursive: true });
  await writeFile(join(path, 'model.onnx'), 'half a model');
  if (ageMs > 0) {
    const then = new Date(Date.now() - ageMs);
    await utimes(path, then, then);
  }
  return path;
}

const ownedBy = (pid: number, host = hostTag()) => `.tmp-${host}-${pid}-0123456789abcdef`;

async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

describe('staging folder names', () => {
  it('record this host and pid, and only names in that form yield an owner', () => {
    const name = stagingFolderName();
    expect(name.startsWith('.tmp-')).toBe(true);
    expect(parseStagingOwner(name)).toEqual({ host: hostTag(), pid: process.pid });
    expect(hostTag()).toMatch(/^[0-9a-f]{12}$/);
    expect(stagingFolderName()).not.toBe(name);
    for (const other of [
      '.tmp-12345-deadbeef',
      '.tmp-ours',
      'tmp-abcdefabcdef-1-ff',
      '.tmp-abcdefabcdef-0-ff',
    ])
      expect(parseStagingOwner(other)).toBeUndefined();
  });

  it('tell a live pid from an exited one', () => {
    expect(isProcessGone(process.pid)).toBe(false);
    expect(isProcessGone(exitedPid())).toBe(true);
  });
});

describe('removeStaleStaging', () => {
  it('removes a fresh folder whose writer on this host is dead, and keeps a live writer’s', () =>
    withRepository(async (repo) => {
      const modelDir = join(repo, NAME);
      const dead = await staging(modelDir, ownedBy(exitedPid()));
      const live = await staging(modelDir, ownedBy(process.pid));
      expect(await removeStaleStaging(repo)).toEqual([dead]);
      expect(await entries(modelDir)).toEqual([ownedBy(process.pid)]);
      expect(await entries(live)).toEqual(['model.onnx']);
    }));

  it('removes any folder past the age, even a live writer’s, and keeps younger ones', () =>
    withRepository(async (repo) => {
      const modelDir = join(repo, NAME);
      const hung = await staging(modelDir, ownedBy(process.pid), 2 * HOUR);
      const legacyOld = await staging(modelDir, '.tmp-12345-deadbeef', 2 * HOUR);
      await staging(modelDir, '.tmp-54321-cafebabe', HOUR / 2);
      const removed = await removeStaleStaging(repo);
      expect(removed.sort()).toEqual([hung, legacyOld].sort());
      expect(await entries(modelDir)).toEqual(['.tmp-54321-cafebabe']);
      // `now` and `olderThanMs` move the line: the half-hour-old folder is past 10 minutes.
      expect(await removeStaleStaging(repo, { olderThanMs: 10 * 60 * 1000 })).toEqual([
        join(modelDir, '.tmp-54321-cafebabe'),
      ]);
    }));

  it('judges a folder of another host or container by age alone, since its pid is not ours to check', () =>
    withRepository(async (repo) => {
      const modelDir = join(repo, NAME);
      const elsewhere = hostTag() === 'abcdefabcdef' ? '0123456789ab' : 'abcdefabcdef';
      const fresh = ownedBy(exitedPid(), elsewhere);
      await staging(modelDir, fresh);
      expect(await removeStaleStaging(repo)).toEqual([]);
      const later = Date.now() + DEFAULT_STAGING_MAX_AGE_MS + 1000;
      expect(await removeStaleStaging(repo, { now: later })).toEqual([join(modelDir, fresh)]);
    }));

  it('touches nothing but real `.tmp-*` folders inside model folders, and follows no symlink', () =>
    withRepository(async (repo) => {
      const modelDir = join(repo, NAME);
      const old = 2 * HOUR;
      const deadName = ownedBy(exitedPid());
      await staging(modelDir, '.git', old);
      await staging(modelDir, '.config.pbtxt.tmp-0123456789abcdef', old);
      await staging(modelDir, 'tmp-old', old);
      await staging(modelDir, '1', old);
      await writeFile(join(modelDir, '.tmp-a-file'), 'not a folder');
      // A symlink named like abandoned staging, pointing at an old folder: neither goes.
      const target = await staging(join(repo, '.elsewhere'), 'target', old);
      await symlink(target, join(modelDir, deadName));
      // Staging inside a hidden model folder, or reached through a symlinked one, is left alone.
      const hidden = await staging(join(repo, '.trash'), deadName, old);
      const linkedModel = await staging(join(repo, '.real-model'), deadName, old);
      await symlink(join(repo, '.real-model'), join(repo, 'linked-model'));
      expect(await removeStaleStaging(repo, { olderThanMs: 0 })).toEqual([]);
      expect(await entries(modelDir)).toEqual(
        ['.config.pbtxt.tmp-0123456789abcdef', '.git', '.tmp-a-file', deadName, '1', 'tmp-old'].sort(),
      );
      for (const kept of [target, hidden, linkedModel]) expect(await entries(kept)).toEqual(['model.onnx']);
    }));

  it('reports each folder once when two sweepers race for it', () =>
    withRepository(async (repo) => {
      const modelDir = join(repo, NAME);
      const dead = exitedPid();
      const paths = await Promise.all(
        Array.from({ length: 6 }, (_, i) => staging(modelDir, `.tmp-${hostTag()}-${dead}-${i}`)),
      );
      const reports = await Promise.all([removeStaleStagingIn(modelDir), removeStaleStagingIn(modelDir)]);
      expect(reports.flat().sort()).toEqual(paths.sort());
      expect(await entries(modelDir)).toEqual([]);
    }));

  it('returns nothing for a missing folder and refuses a meaningless age rule', async () => {
    expect(await removeStaleStaging('/nonexistent/calcscope-repo')).toEqual([]);
    for (const options of [{ olderThanMs: -1 }, { olderThanMs: Number.NaN }, { now: Number.NaN }]) {
      const error = await removeStaleStaging('/nonexistent/calcscope-repo', options).catch((e) => e);
      expect(error).toBeInstanceOf(ModelRepositoryError);
      expect((error as ModelRepositoryError).code).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('writeModelVersion after a crashed writer', () => {
  it('removes the staging folder a killed process left, and leaves none of its own', () =>
    withRepository(async (repo) => {
      const modelDir = join(repo, NAME);
      await mkdir(modelDir);
      // A real writer process killed (SIGKILL) after staging half a model under its own pid.
      const crash = `
        const fs = require('node:fs');
        const dir = process.argv[1] + '/.tmp-' + process.argv[2] + '-' + process.pid + '-00ff00ff00ff00ff';
        fs.mkdirSync(dir);
        fs.writeFileSync(dir + '/model.onnx', 'half a model');
        process.kill(process.pid, 'SIGKILL');`;
      const child = spawnSync(process.execPath, ['-e', crash, modelDir, hostTag()]);
      expect(child.signal).toBe('SIGKILL');
      const left = join(modelDir, `.tmp-${hostTag()}-${child.pid}-00ff00ff00ff00ff`);
      expect(await entries(modelDir)).toEqual([left.slice(modelDir.length + 1)]);

      const written = await writeModelVersion(repo, { name: NAME, onnx: modelBytes(1), card: cardDraft(3) });
      expect(written.removedStaging).toEqual([left]);
      expect(await entries(modelDir)).toEqual(['1', 'config.pbtxt']);
      const again = await writeModelVersion(repo, { name: NAME, onnx: modelBytes(2), card: cardDraft(3) });
      expect(again.removedStaging).toEqual([]);
    }));
});
