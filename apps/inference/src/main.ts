/**
 * `npm run start:inference`: reads the settings, starts listening (liveness answers at once), loads the
 * model repository (readiness turns true when done) and shuts down gracefully on SIGTERM.
 */
import { FEATURE_SCHEMA_HASH } from '@calcscope/features';
import { env as ortEnvironment } from 'onnxruntime-node';
import { Analyzer } from './analyze/analyzer';
import { createAnalyzeRunner } from './analyze/runner';
import { SettingsError } from './errors';
import { createInferenceServer } from './http/server';
import { installShutdownHandlers } from './lifecycle';
import { InferenceMetrics } from './metrics';
import { ModelManager } from './serving/model-manager';
import { loadSettings } from './settings';

async function main(): Promise<void> {
  let settings: ReturnType<typeof loadSettings>;
  try {
    settings = loadSettings();
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  // A missing CUDA library is an expected event on a CPU host: createSession reports the fallback in one
  // line, so onnxruntime's own error print for the failed attempt is silenced (session and run errors
  // still arrive as exceptions with onnxruntime's message).
  ortEnvironment.logLevel = 'fatal';
  const metrics = new InferenceMetrics();
  const manager = new ModelManager({
    repository: settings.modelRepository,
    providers: settings.providers,
    intraOpThreads: settings.intraOpThreads,
    acceptedSchemaHashes: [FEATURE_SCHEMA_HASH, ...settings.extraSchemaHashes],
    metrics,
  });
  const analyzer = new Analyzer({
    manager,
    metrics,
    runner: createAnalyzeRunner({
      workers: settings.analyzeWorkers,
      maxPending: settings.analyzeMaxPending,
      timeoutMs: settings.analyzeTimeoutMs,
      onWorkerExit: (reason, message) => {
        metrics.analyzeWorkerExit(reason);
        console.error(`inference: analysis worker replaced (${reason}): ${message}`);
      },
    }),
    maxBodyBytes: settings.analyzeMaxBodyBytes,
    maxPixels: settings.analyzeMaxPixels,
  });
  const server = createInferenceServer({ manager, metrics, maxBodyBytes: settings.maxBodyBytes, analyzer });
  const address = await server.listen(settings.port, settings.host);
  installShutdownHandlers(server, manager, {
    drainTimeoutMs: settings.drainTimeoutMs,
    release: () => analyzer.close(),
  });
  console.log(
    `inference: listening on http://${address.address}:${address.port} (repository ${settings.modelRepository}, providers ${settings.providers.join(',')}; analyses on ${analyzer.description})`,
  );
  await manager.start();
  const serving = manager.servingVersions();
  console.log(
    `inference: ready, ${serving.length} version(s) of ${new Set(serving.map((s) => s.name)).size} model(s) serving: ${serving.map((s) => `${s.name}/${s.version} (${s.provider})`).join(', ') || 'none'}`,
  );
}

main().catch((error) => {
  console.error(`inference: failed to start: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
