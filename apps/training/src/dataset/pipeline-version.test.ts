import { describe, expect, it } from 'vitest';
import { analysisPipelineVersion, codeFingerprint } from './pipeline-version';

describe('pipeline version', () => {
  it('fingerprints the analysis code deterministically and per package', async () => {
    const version = await analysisPipelineVersion();
    expect(version).toMatch(/^pipeline-[0-9a-f]{16}$/);
    expect(await analysisPipelineVersion()).toBe(version);
    expect(version).toBe(`pipeline-${await codeFingerprint('@calcscope/analysis')}`);
    // The phantom generator's code is another set of files: another fingerprint.
    expect(await codeFingerprint('@calcscope/phantom')).not.toBe(
      await codeFingerprint('@calcscope/analysis'),
    );
    // @calcscope/imaging alone is a strict subset of the analysis pipeline's packages.
    expect(await codeFingerprint('@calcscope/imaging')).not.toBe(
      await codeFingerprint('@calcscope/analysis'),
    );
  });

  it('fails for a package that does not exist', async () => {
    await expect(codeFingerprint('@calcscope/no-such-package')).rejects.toThrow();
  });
});
