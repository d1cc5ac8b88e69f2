/**
 * Staging folders (`<repo>/<model>/.tmp-*`) where writeModelVersion assembles a version before renaming
 * it into place, and the removal of those a killed writer left behind. Readers already skip them; this
 * keeps them from piling up (each holds a whole model.onnx).
 *
 * A folder is named `.tmp-<host>-<pid>-<random>`: `<host>` identifies the machine boot and pid namespace
 * of the writer, because "pid 42 does not exist" proves the writer dead only when asked where pid 42 was
 * issued. A repository shared between containers or hosts (a volume, NFS) holds staging folders of
 * writers whose processes this process cannot see; those are judged by age alone.
 */
import type { Dirent } from 'node:fs';
import { readFileSync, readlinkSync } from 'node:fs';
import { lstat, readdir, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomSuffix, sha256Hex } from './durable-fs';
import { ModelRepositoryError } from './errors';
import { TEMPORARY_PREFIX } from './layout';
import { isMissingFile } from './repository-files';

/**
 * Age past which a staging folder counts as abandoned whoever owns it. Writing a version updates the
 * folder's mtime at each file it creates and takes seconds even for large models, so an hour without a
 * change means a hung writer or one whose liveness cannot be checked from here (another host).
 */
export const DEFAULT_STAGING_MAX_AGE_MS = 60 * 60 * 1000;

export interface RemoveStaleStagingOptions {
  /** A staging folder whose mtime is more than this many ms before `now` is removed. Default 1 hour. */
  olderThanMs?: number;
  /** The time ages are measured against, in ms since the epoch. Default `Date.now()`. */
  now?: number;
}

/** Who created a staging folder, as its name records it. */
export interface StagingOwner {
  /** Tag of the writer's machine boot and pid namespace (see `hostTag`). */
  host: string;
  pid: number;
}

const OWNED_STAGING = /^([0-9a-f]{12})-([1-9][0-9]{0,9})-[0-9a-f]+$/;

let cachedHostTag: string | undefined;

/**
 * Where a pid means a process: on Linux the boot id (fresh at every boot, distinct between machines)
 * and the pid namespace (distinct per container), both shared by every process that can see the same
 * pids. Elsewhere, or when /proc cannot be read, the host name.
 */
function pidScopeIdentity(): string {
  try {
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return `linux ${bootId} ${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return `host ${hostname()}`;
  }
}

/** This process's pid scope (see pidScopeIdentity) as 12 hex digits, as staging folder names carry it. */
export function hostTag(): string {
  cachedHostTag ??= sha256Hex(new TextEncoder().encode(pidScopeIdentity())).slice(0, 12);
  return cachedHostTag;
}

/** A fresh staging folder name owned by this process: `.tmp-<host>-<pid>-<random>`. */
export function stagingFolderName(): string {
  return `${TEMPORARY_PREFIX}${hostTag()}-${process.pid}-${randomSuffix()}`;
}

/**
 * The owner recorded in a staging folder's name.
 *
 * Returns undefined for a name without the staging prefix, or one that records no owner (written before
 * owners were recorded, `.tmp-<pid>-<random>`, or by hand): such folders can only be judged by age.
 */
export function parseStagingOwner(name: string): StagingOwner | undefined {
  if (!name.startsWith(TEMPORARY_PREFIX)) return undefined;
  const match = OWNED_STAGING.exec(name.slice(TEMPORARY_PREFIX.length));
  if (match === null) return undefined;
  return { host: match[1], pid: Number(match[2]) };
}

/**
 * Whether no process with this pid exists here. Signal 0 checks existence without signalling; only
 * ESRCH proves absence (EPERM means a process of another user holds the pid).
 */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Whether a staging folder is abandoned: its writer provably died (same host tag, pid gone) or it has
 * not changed for longer than `olderThanMs`.
 *
 * Parameters: `name` — the folder's name; `mtimeMs` — its modification time (ms since the epoch);
 * `rule` — `olderThanMs` and `now` of the age rule, `here` this process's host tag.
 * Returns false for a live (or unverifiable) owner and a recent mtime.
 */
export function isAbandonedStaging(
  name: string,
  mtimeMs: number,
  rule: { olderThanMs: number; now: number; here: string },
): boolean {
  if (rule.now - mtimeMs > rule.olderThanMs) return true;
  const owner = parseStagingOwner(name);
  return owner !== undefined && owner.host === rule.here && isProcessGone(owner.pid);
}

function ageRule(options: RemoveStaleStagingOptions): { olderThanMs: number; now: number; here: string } {
  const olderThanMs = options.olderThanMs ?? DEFAULT_STAGING_MAX_AGE_MS;
  const now = options.now ?? Date.now();
  const problems: string[] = [];
  if (typeof olderThanMs !== 'number' || Number.isNaN(olderThanMs) || olderThanMs < 0)
    problems.push('olderThanMs must be a non-negative number of milliseconds');
  if (typeof now !== 'number' || !Number.isFinite(now))
    problems.push('now must be a finite time in ms since the epoch');
  if (problems.length > 0)
    throw new ModelRepositoryError('INVALID_ARGUMENT', 'invalid staging clean-up options', problems);
  return { olderThanMs, now, here: hostTag() };
}

/**
 * Remove a staging folder: first rename it to a staging name this process owns, so that exactly one of
 * several concurrent sweepers removes (and reports) it, a writer that was merely slow fails on its next
 * step instead of publishing a half-deleted version, and a sweeper killed mid-removal leaves a folder
 * that the dead-pid rule clears next time.
 * Returns false when the folder was already gone.
 */
async function discardStaging(modelDir: string, path: string): Promise<boolean> {
  const claimed = join(modelDir, stagingFolderName());
  try {
    await rename(path, claimed);
  } catch (error) {
    if (isMissingFile(error)) return false;
    throw error;
  }
  await rm(claimed, { recursive: true, force: true });
  return true;
}

async function removeStaleStagingWith(modelDir: string, rule: ReturnType<typeof ageRule>): Promise<string[]> {
  const entries = await entriesOf(modelDir);
  const removed: string[] = [];
  // Dirent and lstat describe the entry itself: a `.tmp-*` symlink is not a directory and stays.
  for (const entry of entries) {
    if (!entry.name.startsWith(TEMPORARY_PREFIX) || !entry.isDirectory()) continue;
    const path = join(modelDir, entry.name);
    let mtimeMs: number;
    try {
      const info = await lstat(path);
      if (!info.isDirectory()) continue;
      mtimeMs = info.mtimeMs;
    } catch (error) {
      if (isMissingFile(error)) continue; // published or removed meanwhile
      throw error;
    }
    if (isAbandonedStaging(entry.name, mtimeMs, rule) && (await discardStaging(modelDir, path)))
      removed.push(path);
  }
  return removed;
}

/**
 * Remove the abandoned staging folders of one model folder (see removeStaleStaging for the rules).
 *
 * Parameters: `modelDir` — `<repo>/<model>`; `options` — the age rule.
 * Returns the removed folders' paths (empty when `modelDir` does not exist).
 * Raises ModelRepositoryError INVALID_ARGUMENT for a negative or NaN `olderThanMs` or a non-finite
 * `now`; file-system errors other than a vanished entry unchanged.
 */
export async function removeStaleStagingIn(
  modelDir: string,
  options: RemoveStaleStagingOptions = {},
): Promise<string[]> {
  return removeStaleStagingWith(modelDir, ageRule(options));
}

/**
 * Remove the staging folders that killed writers left in every model folder of a repository; meant for
 * a service's start (writeModelVersion already cleans the folder it writes to).
 *
 * A folder `<repo>/<model>/.tmp-*` is removed when its writer is provably dead — the name records this
 * host and pid scope, and that pid is not a live process — or when its mtime is more than `olderThanMs`
 * before `now` (a hung writer, or one on another host or container). A live owner with a recent mtime
 * keeps its folder. Nothing else is touched: entries without the staging prefix, files and symlinks
 * (including `.tmp-*` ones), hidden and symlinked model folders. Symlinks are never followed.
 *
 * Parameters: `repoDir` — the repository root; `options` — `olderThanMs` (default
 * DEFAULT_STAGING_MAX_AGE_MS, one hour; Infinity disables the age rule) and `now` (ms since the epoch,
 * default `Date.now()`).
 * Returns the removed folders' paths (empty when `repoDir` does not exist), for the caller to log.
 * Raises ModelRepositoryError INVALID_ARGUMENT for a negative or NaN `olderThanMs` or a non-finite
 * `now`; file-system errors other than a vanished entry unchanged.
 */
export async function removeStaleStaging(
  repoDir: string,
  options: RemoveStaleStagingOptions = {},
): Promise<string[]> {
  const rule = ageRule(options);
  const entries = await entriesOf(repoDir);
  const removed: string[] = [];
  for (const entry of entries)
    if (entry.isDirectory() && !entry.name.startsWith('.'))
      removed.push(...(await removeStaleStagingWith(join(repoDir, entry.name), rule)));
  return removed;
}

/** The entries of a folder (Dirents: not followed), or none when it does not exist. */
async function entriesOf(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isMissingFile(error)) return [];
    throw error;
  }
}
