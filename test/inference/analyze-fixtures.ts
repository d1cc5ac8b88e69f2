/**
 * Fixtures of the POST /v1/analyze tests: seeded 1024² phantoms with MC clusters and masses (PNG and
 * DICOM bytes), a small real DCIS/IDC CNN (the reference ResNet layout, narrowed, @calcscope/ml's seeded He
 * init, exported by its inference graph builder) written as a repository model, and request helpers.
 */
import { deflateSync } from 'node:zlib';
import { FEATURE_SCHEMA_HASH } from '@calcscope/features';
import {
  buildCnnInferenceGraph,
  type CnnArchitecture,
  initCnnWeights,
  planCnn,
  SeededRandom,
} from '@calcscope/ml';
import { writeModelVersion } from '@calcscope/model-repository';
import { encodePhantomFiles, generatePhantom, mixedSpecs, type PhantomSpec } from '@calcscope/phantom';
import { tabularCardDraft } from '../../apps/inference/src/testing/fixtures';

/** A 1024² phantom with a grouped MC cluster beside an irregular spiculated mass (seeded). */
export function phantomSpec(): PhantomSpec {
  return {
    ...mixedSpecs(5, 7, { size: '1024' })[2],
    lesionType: 'mc+mass',
    mc: { morphology: 'coarse-heterogeneous', distribution: 'grouped', count: 20 },
    mass: { shape: 'irregular', margin: 'spiculated', diameterMm: 15 },
  };
}

/** The phantom's PNG and DICOM files. */
export async function phantomFiles(): Promise<{ png: Uint8Array; dicom: Uint8Array }> {
  const files = await encodePhantomFiles(generatePhantom(phantomSpec()));
  return { png: files.png, dicom: files.dicom };
}

/** The DICOM with its transfer syntax UID (0002,0010) rewritten to RLE Lossless, which is not decoded. */
export function withRleTransferSyntax(dicom: Uint8Array): Uint8Array {
  const explicitLe = Buffer.from('1.2.840.10008.1.2.1\0', 'latin1');
  const copy = Buffer.from(dicom);
  const at = copy.subarray(0, 1024).indexOf(explicitLe);
  if (at < 0)
    throw new Error('the phantom DICOM does not declare Explicit VR Little Endian in its meta group');
  Buffer.from('1.2.840.10008.1.2.5\0', 'latin1').copy(copy, at);
  return copy;
}

/** A valid 8-bit grayscale PNG whose header declares width × height (its pixels are not all there). */
export function pngDeclaring(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(width + 1))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** CRC-32 (ISO-HDLC) as PNG chunks use it. */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** The test CNN: the reference ResNet's layout (stem, basic blocks, GAP, dense) at 16² and widths 4-8. */
export const TEST_CNN: CnnArchitecture = {
  inputHeight: 16,
  inputWidth: 16,
  stemWidth: 4,
  stemKernel: 3,
  stemStride: 2,
  stemPool: 'none',
  stages: [
    { width: 4, blocks: 1, stride: 1 },
    { width: 8, blocks: 1, stride: 2 },
  ],
  batchNormEpsilon: 1e-5,
};
export const CNN_MODEL = 'dcis-idc-cnn-roi';
export const CNN_ROI_MM = 6;

/**
 * The test CNN's ONNX bytes (inputs `roi` [N,1,16,16]; outputs probabilities, embedding, cam): untrained
 * but real, with initCnnWeights's seeded He initialisation.
 */
export function testCnnOnnx(seed = 11): Uint8Array {
  const plan = planCnn(TEST_CNN);
  return buildCnnInferenceGraph(plan, initCnnWeights(plan, new SeededRandom(seed)));
}

/** Writes the test CNN as the next version of CNN_MODEL in a repository. */
export async function writeTestCnn(repository: string, onnx: Uint8Array): Promise<void> {
  const side = TEST_CNN.inputHeight;
  const widest = TEST_CNN.stages[TEST_CNN.stages.length - 1].width;
  await writeModelVersion(repository, {
    name: CNN_MODEL,
    onnx,
    card: tabularCardDraft(41, {
      family: 'cnn',
      task: 'dcis-idc',
      scenario: 'roi',
      inputs: [{ name: 'roi', datatype: 'FP32', shape: [-1, 1, side, side] }],
      outputs: [
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
        { name: 'embedding', datatype: 'FP32', shape: [-1, widest] },
        { name: 'cam', datatype: 'FP32', shape: [-1, side, side] },
      ],
      featureSchemaHash: FEATURE_SCHEMA_HASH,
      featureNames: [],
      hyperparameters: { architecture: TEST_CNN, roiSizeMm: CNN_ROI_MM, roiNormalization: 'zscore' },
      preprocessing: `${CNN_ROI_MM} mm square ROI centred on the cluster centroid, ${side}×${side} bilinear, z-scored per ROI`,
    }),
    configOptions: { maxBatchSize: 16, versionPolicy: { kind: 'all' } },
  });
}

/** POSTs bytes to /v1/analyze: status and parsed JSON body. */
export async function postImage(
  base: string,
  body: Uint8Array,
  contentType = 'application/octet-stream',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${base}/v1/analyze`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}
