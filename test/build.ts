import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');

/**
 * Builds the given TypeScript projects (incremental `tsc -b`), so end-to-end tests run the compiled
 * commands exactly as users do. A no-op when `npm test` has just type-checked.
 */
export function buildProjects(...projects: string[]): void {
  execFileSync(process.execPath, [resolve(ROOT, 'node_modules/typescript/bin/tsc'), '-b', ...projects], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}
