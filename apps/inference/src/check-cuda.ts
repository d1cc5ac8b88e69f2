/**
 * `node apps/inference/dist/check-cuda.js`: checks the CUDA execution-provider path on a GPU host.
 *
 * It builds a small MLP (the tabular contract: features → probabilities, label), opens it with the CUDA
 * provider only (no fallback), runs a batch, and compares the result with the CPU provider's. Exit code 0
 * when CUDA ran and agreed with CPU within 1e-5; 1 otherwise, with the reason (typically "Failed to load
 * shared library": onnxruntime-node was installed without CUDA — reinstall with
 * `ONNXRUNTIME_NODE_INSTALL=cuda12 npm install` on a host with CUDA 12 and cuDNN 9).
 */
import { createSession, GraphBuilder, op, Tensor } from '@calcscope/onnx';

const FEATURES = 41;
const ROWS = 64;

function model(): Uint8Array {
  let state = 12345;
  const random = () => {
    state = (state * 16807) % 2147483647;
    return state / 2147483647 - 0.5;
  };
  const g = new GraphBuilder({ opset: 17 });
  const x = g.input('features', 'float32', ['N', FEATURES]);
  const w1 = g.initializer('W1', Float32Array.from({ length: FEATURES * 400 }, random), [FEATURES, 400]);
  const b1 = g.initializer('b1', Float32Array.from({ length: 400 }, random), [400]);
  const w2 = g.initializer('W2', Float32Array.from({ length: 400 * 2 }, random), [400, 2]);
  const b2 = g.initializer('b2', Float32Array.from({ length: 2 }, random), [2]);
  const h = op.sigmoid(g, op.gemm(g, x, w1, b1));
  const p = op.softmax(g, op.gemm(g, h, w2, b2), 1, { name: 'probabilities' });
  g.output(p);
  g.output(op.argMax(g, p, 1, { keepdims: false, name: 'label' }));
  return g.toBytes();
}

async function run(provider: 'cuda' | 'cpu', bytes: Uint8Array, input: Float32Array): Promise<Float32Array> {
  const { session } = await createSession(bytes, { providers: [provider], log: () => {} });
  const started = performance.now();
  const out = await session.run({ features: new Tensor('float32', input, [ROWS, FEATURES]) });
  const ms = performance.now() - started;
  console.log(`check-cuda: ${provider} ran a batch of ${ROWS} in ${ms.toFixed(2)} ms`);
  await session.release();
  return out.probabilities.data as Float32Array;
}

async function main(): Promise<number> {
  const bytes = model();
  const input = Float32Array.from({ length: ROWS * FEATURES }, (_, i) => Math.sin(i) * 3);
  const cpu = await run('cpu', bytes, input);
  let cuda: Float32Array;
  try {
    cuda = await run('cuda', bytes, input);
  } catch (error) {
    console.error(`check-cuda: FAILED — the CUDA provider could not run: ${(error as Error).message}`);
    console.error(
      'check-cuda: install the CUDA build with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm install` (CUDA 12, cuDNN 9).',
    );
    return 1;
  }
  let worst = 0;
  for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(cpu[i] - cuda[i]));
  if (!(worst <= 1e-5)) {
    console.error(`check-cuda: FAILED — CUDA and CPU disagree by ${worst}`);
    return 1;
  }
  console.log(`check-cuda: OK — CUDA provider works; largest difference from CPU ${worst.toExponential(2)}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`check-cuda: FAILED — ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  },
);
