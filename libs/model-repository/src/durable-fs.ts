/**
 * File-system steps that survive a crash: data is fsynced before the rename that publishes it, and the
 * directory holding a renamed entry is fsynced so the rename itself is on disk.
 */
import { createHash, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** sha256 of bytes as 64 lowercase hex digits. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A random suffix for temporary names (16 hex digits: collisions between writers are negligible). */
export function randomSuffix(): string {
  return randomBytes(8).toString('hex');
}

/**
 * Create `path` (which must not exist: flag 'wx') holding `data`, and fsync it before closing.
 * Raises the file system's error (EEXIST, ENOSPC, ...) unchanged.
 */
export async function writeNewFileDurably(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a directory, making the creation, removal or renaming of its entries durable. */
export async function syncDirectory(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replace (or create) `path` atomically: readers see the old content or the new, never a mix. Writes a
 * hidden sibling `.<name>.tmp-<random>`, fsyncs it, renames it over `path`, fsyncs the directory; the
 * sibling is removed if any step fails.
 */
export async function replaceFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.tmp-${randomSuffix()}`);
  try {
    await writeNewFileDurably(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}
