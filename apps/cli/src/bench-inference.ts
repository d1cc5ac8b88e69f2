/**
 * `npm run bench -- inference`: the inference service as clients see it, on loopback. The real server
 * (apps/inference/dist/main.js) runs as a child process over a temporary repository; the load generator
 * (bench-inference-load.js) runs in another, so neither's CPU time is the bench's. Printed, from one run:
 * - SAE 41→[400,400]→2 with one row per request: in-process session.run back to back (the floor) vs
 *   HTTP infer at concurrency 1, 16, 64; targets p50(c=1) ≤ floor + 0.3 ms and ≥ 10,000 req/s at c=64;
 * - the reference DCIS/IDC ResNet, one ROI per request at concurrency 32, dynamic batching on vs off
 *   (target ratio ≥ 3);
 * - POST /v1/analyze throughput for 1024² and full-field phantoms, the event loop's p99 delay while four
 *   full-field analyses run (target ≤ 50 ms), and the server's RSS with the models loaded (target 400 MB).
 * The machine is shared: the load average is printed with the figures.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createRandom } from '@calcscope/ml';
import { createSession, Tensor } from '@calcscope/onnx';
import {
  encodePhantomFiles,
  generatePhantom,
  mixedSpecs,
  type PhantomSize,
  type PhantomSpec,
} from '@calcscope/phantom';
import type { LoadReport, LoadSpec } from './bench-inference-load';
import { quantile } from './bench-inference-load';
import {
  CNN_MODEL,
  referenceBenchCnn,
  SAE_MODEL,
  trainBenchSae,
  writeBenchRepositories,
} from './bench-inference-models';

const run = promisify(execFile);
/** Epochs per SAE stage: enough to train a real model, few enough for a bench (the paper uses 100+). */
const SAE_EPOCHS = 20;
const FEATURES = 41;
const TARGETS = {
  c1AddedMs: 0.3,
  c64RequestsPerSecond: 10_000,
  batchingRatio: 3,
  eventLoopP99Ms: 50,
  rssMb: 400,
};
const SERVER = resolve(__dirname, '../../inference/dist/main.js');
const LOAD = join(__dirname, 'bench-inference-load.js');
const SEED = 20161;

interface Server {
  readonly child: ChildProcess;
  readonly base: string;
  readonly output: () => string;
}

/** Starts the compiled server on a free loopback port and waits until it is ready. */
async function startServer(repository: string): Promise<Server> {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [SERVER], {
    env: {
      PATH: process.env.PATH,
      INFERENCE_HOST: '127.0.0.1',
      INFERENCE_PORT: '0',
      ORT_PROVIDERS: 'cpu',
      MODEL_REPOSITORY: repository,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const port = /listening on http:\/\/[^:]+:(\d+)/.exec(text)?.[1];
    if (port && /inference: ready/.test(text))
      return { child, base: `http://127.0.0.1:${port}`, output: () => text };
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the inference server did not become ready:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}

/** VmRSS and VmHWM (peak) of a process, MB. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function load(spec: LoadSpec): Promise<LoadReport> {
  const { stdout } = await run(process.execPath, [LOAD, JSON.stringify(spec)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as LoadReport;
}

async function metricsText(base: string): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}

/** A sample's value from Prometheus text (the line starting with `name ` or `name{`), else `absent`. */
function sample(text: string, name: string, absent = Number.NaN): number {
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line === undefined ? absent : Number(line.slice(line.lastIndexOf(' ') + 1));
}

/**
 * The CNN's own batching gain: in-process session.run (every output, one intra-op thread, as served) per
 * ROI at batch 1 and at batch 32 — the ceiling of what dynamic batching can give on this CPU.
 */
async function cnnComputeOf(
  onnx: Uint8Array,
  side: number,
): Promise<{ batch1Ms: number; batch32Ms: number }> {
  const { session } = await createSession(onnx, { providers: ['cpu'], intraOpNumThreads: 1 });
  const random = createRandom(SEED);
  const perRoi = async (n: number) => {
    const feeds = {
      roi: new Tensor('float32', Float32Array.from({ length: n * side * side }, random), [n, 1, side, side]),
    };
    for (let i = 0; i < 3; i++) await session.run(feeds);
    const runs = Math.max(10, Math.round(320 / n));
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) await session.run(feeds);
    return (performance.now() - t0) / runs / n;
  };
  const batch1Ms = await perRoi(1);
  const batch32Ms = await perRoi(32);
  await session.release();
  return { batch1Ms, batch32Ms };
}

/** In-process floor: one-row session.run back to back on the same ONNX, one intra-op thread as served. */
async function floorOf(
  onnx: Uint8Array,
  rows: Float32Array,
): Promise<{ p50Ms: number; p99Ms: number; runs: number }> {
  const { session } = await createSession(onnx, { providers: ['cpu'], intraOpNumThreads: 1 });
  const runs = 5000;
  const times = new Float64Array(runs);
  for (let i = -500; i < runs; i++) {
    const k = ((i + 500) % 500) * FEATURES;
    const feeds = { features: new Tensor('float32', rows.subarray(k, k + FEATURES), [1, FEATURES]) };
    const t0 = performance.now();
    await session.run(feeds);
    if (i >= 0) times[i] = performance.now() - t0;
  }
  await session.release();
  times.sort();
  return { p50Ms: quantile(times, 0.5), p99Ms: quantile(times, 0.99), runs };
}

function withClustersAndMass(spec: PhantomSpec): PhantomSpec {
  return {
    ...spec,
    lesionType: 'mc+mass',
    mc: { morphology: 'fine-pleomorphic', distribution: 'grouped', count: 12 },
    mass: { shape: 'irregular', margin: 'spiculated', diameterMm: 15 },
  };
}

/** Writes `count` seeded phantoms of a size as DICOM files; returns their paths. */
async function phantomFiles(dir: string, size: PhantomSize, count: number): Promise<string[]> {
  const paths: string[] = [];
  for (const spec of mixedSpecs(count, SEED, { size }).map(withClustersAndMass)) {
    const path = join(dir, `${spec.id}-${size}.dcm`);
    await writeFile(path, (await encodePhantomFiles(generatePhantom(spec))).dicom);
    paths.push(path);
  }
  return paths;
}

const ms = (v: number) => (v < 1 ? v.toFixed(3) : v.toFixed(1));
const loadAverage = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

function loadRow(label: string, r: LoadReport, target: string, ratio: string): string {
  const failures = r.errors > 0 ? ` (${r.errors} errors: ${JSON.stringify(r.statuses)})` : '';
  return `| ${label} | ${r.requests}${failures} | ${r.requestsPerSecond.toFixed(0)} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${target} | ${ratio} |`;
}

/** Runs the benchmark and prints its tables. */
export async function benchInference(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'calcscope-bench-inference-files-'));
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const started = loadAverage();
  let repositories: Awaited<ReturnType<typeof writeBenchRepositories>> | undefined;
  const servers: Server[] = [];
  try {
    out(
      `# inference: loopback HTTP (${cpus().length} cores, node ${process.version}, load average ${started})`,
    );
    const sae = await trainBenchSae(SAE_EPOCHS);
    const cnn = referenceBenchCnn();
    repositories = await writeBenchRepositories(sae, cnn);
    out(
      `SAE 41→[400,400]→2 trained by trainSae here (${SAE_EPOCHS} epochs per layer and fine-tuning, ${sae.trainSeconds.toFixed(1)} s; held-out AUC ${sae.test.auc.toFixed(3)}). ` +
        `CNN: reference ResNet 64² (${(cnn.multiplyAdds / 1e6).toFixed(1)} M multiply-adds per ROI), untrained, seeded He init.`,
    );
    const row = Array.from(sae.testRows.subarray(0, FEATURES));
    const saeBody = join(dir, 'sae-row.json');
    await writeFile(
      saeBody,
      JSON.stringify({ inputs: [{ name: 'features', shape: [1, FEATURES], datatype: 'FP32', data: row }] }),
    );
    const random = createRandom(SEED);
    const roi = Array.from({ length: cnn.side * cnn.side }, () => Math.round((random() * 4 - 2) * 1e4) / 1e4);
    const cnnBody = join(dir, 'cnn-roi.json');
    await writeFile(
      cnnBody,
      JSON.stringify({
        inputs: [{ name: 'roi', shape: [1, 1, cnn.side, cnn.side], datatype: 'FP32', data: roi }],
        outputs: [{ name: 'probabilities' }],
      }),
    );
    const images1024 = await phantomFiles(dir, '1024', 4);
    const imagesFull = await phantomFiles(dir, 'full', 2);

    const floor = await floorOf(sae.onnx, sae.testRows);
    const cnnCompute = await cnnComputeOf(cnn.onnx, cnn.side);
    const server = await startServer(repositories.serving);
    servers.push(server);
    const idle = memoryOf(server.child.pid!);
    const json = 'application/json';
    const infer = (model: string) => `${server.base}/v2/models/${model}/infer`;
    const saeSpec = (concurrency: number, requests: number, warmupRequests: number): LoadSpec => ({
      url: infer(SAE_MODEL),
      contentType: json,
      bodyFiles: [saeBody],
      concurrency,
      requests,
      durationMs: 4000,
      warmupRequests,
    });
    const c1 = await load(saeSpec(1, 3000, 500));
    const c16 = await load(saeSpec(16, 60_000, 2000));
    const c64 = await load(saeSpec(64, 60_000, 4000));

    const cnnSpec = (url: string): LoadSpec => ({
      url,
      contentType: json,
      bodyFiles: [cnnBody],
      concurrency: 32,
      requests: 20_000,
      durationMs: 4000,
      warmupRequests: 64,
    });
    const batchesBefore = await metricsText(server.base);
    const batched = await load(cnnSpec(infer(CNN_MODEL)));
    const batchesAfter = await metricsText(server.base);
    const batchStat = (text: string, part: 'sum' | 'count') =>
      sample(text, `calcscope_inference_batch_size_${part}{model="${CNN_MODEL}",version="1"}`, 0);
    const meanBatch =
      (batchStat(batchesAfter, 'sum') - batchStat(batchesBefore, 'sum')) /
      (batchStat(batchesAfter, 'count') - batchStat(batchesBefore, 'count'));

    const analyze = `${server.base}/v1/analyze`;
    const imageSpec = (files: string[], concurrency: number, requests: number, probe: boolean): LoadSpec => ({
      url: analyze,
      contentType: 'application/dicom',
      bodyFiles: files,
      concurrency,
      requests,
      durationMs: 600_000,
      warmupRequests: 0,
      ...(probe ? { probeUrl: `${server.base}/v2/health/live` } : {}),
    });
    await load(imageSpec(images1024, 1, 1, false));
    const small = await load(imageSpec(images1024, 2, 8, false));
    await load(imageSpec(imagesFull, 1, 1, false));
    await metricsText(server.base); // prom-client resets the event-loop histogram at each scrape
    const full = await load(imageSpec([...imagesFull, ...imagesFull], 4, 4, true));
    const loopText = await metricsText(server.base);
    const loopP99Ms = sample(loopText, 'nodejs_eventloop_lag_p99_seconds') * 1000;
    const loopMaxMs = sample(loopText, 'nodejs_eventloop_lag_max_seconds') * 1000;
    const busy = memoryOf(server.child.pid!);
    await stopServer(server);
    servers.pop();

    const unbatchedServer = await startServer(repositories.unbatched);
    servers.push(unbatchedServer);
    const unbatched = await load(cnnSpec(`${unbatchedServer.base}/v2/models/${CNN_MODEL}/infer`));
    await stopServer(unbatchedServer);
    servers.pop();

    const c1Target = floor.p50Ms + TARGETS.c1AddedMs;
    out();
    out('## SAE, one row per request');
    out('| case | requests | req/s | p50 ms | p99 ms | target | measured/target |');
    out('| --- | --- | --- | --- | --- | --- | --- |');
    out(
      `| in-process session.run back to back (floor) | ${floor.runs} | ${(1000 / floor.p50Ms).toFixed(0)} | ${ms(floor.p50Ms)} | ${ms(floor.p99Ms)} | | |`,
    );
    out(
      loadRow(
        'HTTP infer, concurrency 1',
        c1,
        `p50 ≤ floor + 0.3 = ${ms(c1Target)} ms`,
        (c1.p50Ms / c1Target).toFixed(2),
      ),
    );
    out(loadRow('HTTP infer, concurrency 16', c16, '', ''));
    out(
      loadRow(
        'HTTP infer, concurrency 64',
        c64,
        `≥ ${TARGETS.c64RequestsPerSecond} req/s`,
        (c64.requestsPerSecond / TARGETS.c64RequestsPerSecond).toFixed(2),
      ),
    );
    out();
    out('## Reference CNN, one 64² ROI per request, concurrency 32');
    out('| dynamic batching | requests | req/s | p50 ms | p99 ms | target | measured/target |');
    out('| --- | --- | --- | --- | --- | --- | --- |');
    out(loadRow(`on (max 32, 2 ms; mean batch ${meanBatch.toFixed(1)} ROIs)`, batched, '', ''));
    out(loadRow('off', unbatched, '', ''));
    const ratio = batched.requestsPerSecond / unbatched.requestsPerSecond;
    out(
      `| ratio on/off | | ${ratio.toFixed(2)} | | | ≥ ${TARGETS.batchingRatio} | ${(ratio / TARGETS.batchingRatio).toFixed(2)} |`,
    );
    out(
      `In-process session.run of this CNN (all outputs, 1 thread, as served): ${ms(cnnCompute.batch1Ms)} ms per ROI at batch 1, ` +
        `${ms(cnnCompute.batch32Ms)} ms per ROI at batch 32 — batching can at most multiply throughput by ${(cnnCompute.batch1Ms / cnnCompute.batch32Ms).toFixed(2)} here.`,
    );
    out();
    out('## POST /v1/analyze (DICOM phantoms with MC clusters and a mass; SAE + CNN predictions)');
    out('| image | requests | concurrency | images/s | p50 s | p99 s |');
    out('| --- | --- | --- | --- | --- | --- |');
    const imageRow = (label: string, r: LoadReport, concurrency: number) =>
      `| ${label} | ${r.requests}${r.errors ? ` (${r.errors} errors)` : ''} | ${concurrency} | ${r.requestsPerSecond.toFixed(2)} | ${(r.p50Ms / 1000).toFixed(2)} | ${(r.p99Ms / 1000).toFixed(2)} |`;
    out(imageRow('1024×1024 8-bit', small, 2));
    out(imageRow('3328×4096 16-bit (full field)', full, 4));
    out();
    const probe = full.probe!;
    out(
      `Event loop while 4 full-field analyses run (monitorEventLoopDelay in the server, read as prom-client's nodejs_eventloop_lag_*; ` +
        `it records the interval of a 10 ms sampling timer, so the delay beyond schedule is the figure − 10 ms): ` +
        `p99 ${loopP99Ms.toFixed(1)} ms (target ≤ ${TARGETS.eventLoopP99Ms}, ratio ${(loopP99Ms / TARGETS.eventLoopP99Ms).toFixed(2)}), max ${loopMaxMs.toFixed(1)} ms; ` +
        `/v2/health/live meanwhile from the load process: ${probe.requests} probes, p50 ${ms(probe.p50Ms)} ms, p99 ${ms(probe.p99Ms)} ms, max ${ms(probe.maxMs)} ms.`,
    );
    out(
      `Server RSS with the models loaded and its analysis worker started: ${idle.rssMb.toFixed(0)} MB idle (target ${TARGETS.rssMb} MB, ratio ${(idle.rssMb / TARGETS.rssMb).toFixed(2)}); ` +
        `after the run ${busy.rssMb.toFixed(0)} MB, peak ${busy.peakMb.toFixed(0)} MB (VmHWM, during full-field analyses).`,
    );
    out(
      `Load average: ${started} at start, ${loadAverage()} at end (1, 5, 15 min; 2 cores shared with other work).`,
    );
  } finally {
    for (const server of servers) server.child.kill('SIGKILL');
    await repositories?.remove();
    await rm(dir, { recursive: true, force: true });
  }
}
