import { execFileSync } from 'node:child_process';

/**
 * The code commit of a git checkout: `git rev-parse HEAD`, with `-dirty` appended when tracked files have
 * uncommitted changes (`git status --porcelain --untracked-files=no` prints anything).
 *
 * @param cwd - a folder inside the checkout (default: the process's working directory).
 * @returns the 40-hex commit (plus `-dirty`), or null when git or the repository is unavailable.
 */
export function readCodeCommit(cwd: string = process.cwd()): string | null {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    }).trim();
  try {
    const head = git(['rev-parse', 'HEAD']);
    if (!/^[0-9a-f]{40}$/.test(head)) return null;
    return git(['status', '--porcelain', '--untracked-files=no']) === '' ? head : `${head}-dirty`;
  } catch {
    return null;
  }
}
