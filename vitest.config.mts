import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// Tests import sibling libraries from source, so no build is needed before `vitest run`.
const libs = readdirSync(resolve(import.meta.dirname, 'libs'));
const alias = Object.fromEntries(
  libs.map((name) => [`@calcscope/${name}`, resolve(import.meta.dirname, 'libs', name, 'src', 'index.ts')]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['libs/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
