/**
 * A fingerprint of the image-analysis code, so cached features are recomputed whenever the pipeline
 * changes (a tuned threshold in segmentation, a fixed feature formula) without anyone bumping a number.
 */
import { createHash } from 'node:crypto';
import { type Dirent, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';

/** The package whose code (and its workspace dependencies' code) makes a cached AnalysisResult. */
export const PIPELINE_ROOT_PACKAGE = '@calcscope/analysis';

const WORKSPACE_SCOPE = '@calcscope/';

const memo = new Map<string, Promise<string>>();

interface CodeLayout {
  readonly folder: string;
  readonly keep: (file: string) => boolean;
}

const SOURCE_LAYOUT: CodeLayout = {
  folder: 'src',
  keep: (f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'),
};
const COMPILED_LAYOUT: CodeLayout = { folder: 'dist', keep: (f) => f.endsWith('.js') };

/**
 * The analysis pipeline's version string: "pipeline-" + codeFingerprint(PIPELINE_ROOT_PACKAGE). Any edit
 * to the code of @calcscope/analysis or of a workspace package it depends on changes it.
 *
 * Raises Error when the package cannot be resolved (a broken install).
 */
export async function analysisPipelineVersion(): Promise<string> {
  return `pipeline-${await codeFingerprint(PIPELINE_ROOT_PACKAGE)}`;
}

/**
 * A fingerprint of a workspace package's code: the first 16 hex digits of a SHA-256 over the package and
 * every workspace package it depends on (transitively) — the code that runs (each package's `dist/**\/*.js`
 * when this module runs compiled, its `src/**\/*.ts` files except tests when it runs from sources under
 * vitest; the other layout when that one is absent), its dependency list, and the installed version of
 * each third-party dependency (sharp, codecs), in sorted order. Computed once per process and package.
 *
 * Parameters
 * ----------
 * rootPackage : a workspace package name, e.g. '@calcscope/analysis'.
 *
 * Returns 16 hex digits.
 *
 * Raises Error when a package cannot be resolved.
 */
export function codeFingerprint(rootPackage: string): Promise<string> {
  let pending = memo.get(rootPackage);
  if (!pending) {
    pending = computeFingerprint(rootPackage);
    memo.set(rootPackage, pending);
    pending.catch(() => memo.delete(rootPackage));
  }
  return pending;
}

async function computeFingerprint(rootPackage: string): Promise<string> {
  const require = createRequire(__filename);
  const hash = createHash('sha256');
  const visited = new Set<string>();
  const queue = [rootPackage];
  const packages: { name: string; dir: string; manifest: PackageJson }[] = [];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (visited.has(name)) continue;
    visited.add(name);
    const manifestPath = require.resolve(`${name}/package.json`);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as PackageJson;
    packages.push({ name, dir: dirname(manifestPath), manifest });
    for (const dep of Object.keys(manifest.dependencies ?? {}))
      if (dep.startsWith(WORKSPACE_SCOPE)) queue.push(dep);
  }
  packages.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const { name, dir, manifest } of packages) {
    hash.update(`package\0${name}\0${JSON.stringify(manifest.dependencies ?? {})}\0`);
    const packageRequire = createRequire(join(dir, 'package.json'));
    for (const dep of Object.keys(manifest.dependencies ?? {}).sort()) {
      if (dep.startsWith(WORKSPACE_SCOPE)) continue;
      hash.update(`dep\0${dep}\0${installedVersion(packageRequire, dep)}\0`);
    }
    // Hash the code that runs: sources under vitest (this module is .ts), compiled JS otherwise.
    const layouts = __filename.endsWith('.ts')
      ? [SOURCE_LAYOUT, COMPILED_LAYOUT]
      : [COMPILED_LAYOUT, SOURCE_LAYOUT];
    let base = '';
    let files: string[] = [];
    for (const layout of layouts) {
      base = join(dir, layout.folder);
      files = await codeFiles(base, layout.keep);
      if (files.length > 0) break;
    }
    for (const file of files) {
      hash.update(`file\0${relative(base, file)}\0`);
      hash.update(await readFile(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex').slice(0, 16);
}

interface PackageJson {
  readonly version?: string;
  readonly dependencies?: Record<string, string>;
}

function installedVersion(require: NodeJS.Require, dep: string): string {
  try {
    const manifest = JSON.parse(readFileSync(require.resolve(`${dep}/package.json`), 'utf8')) as PackageJson;
    return String(manifest.version);
  } catch {
    // A package whose "exports" hide package.json: a fixed marker (its upgrades then go unnoticed).
    return 'unresolved';
  }
}

/** Files under `dir` (recursively) accepted by `keep`, sorted by path; [] when `dir` does not exist. */
async function codeFiles(dir: string, keep: (file: string) => boolean): Promise<string[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await codeFiles(path, keep)));
    else if (entry.isFile() && keep(path)) files.push(path);
  }
  return files.sort();
}
