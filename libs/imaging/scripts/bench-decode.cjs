// Times decodeImage on a full-field mammogram-sized DICOM (3328 × 4096, 12 of 16 bits) and on its
// JPEG 2000 / JPEG-LS / PNG versions. Run after `npx tsc -b libs/imaging`:
//   node libs/imaging/scripts/bench-decode.cjs [runs]
const { decodeImage, encodeDicom, encodeDicomCompressed, encodePng } = require('../dist/index.js');

const WIDTH = 3328;
const HEIGHT = 4096;
const runs = Number(process.argv[2] ?? 15);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time(label, bytes, count = runs) {
  await decodeImage(bytes); // warm-up: JIT, wasm instantiation
  const times = [];
  for (let k = 0; k < count; k++) {
    const t0 = performance.now();
    const image = await decodeImage(bytes);
    times.push(performance.now() - t0);
    if (image.width !== WIDTH || image.height !== HEIGHT) throw new Error('wrong size');
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    `${label.padEnd(30)} ${(bytes.length / 1e6).toFixed(1).padStart(6)} MB  median ${median(times).toFixed(1)} ms  min ${sorted[0].toFixed(1)} ms  max ${sorted[sorted.length - 1].toFixed(1)} ms  (n=${count})`,
  );
}

async function main() {
  // Smooth background plus noise: compresses like a real mammogram, not like a constant.
  const pixels = new Uint16Array(WIDTH * HEIGHT);
  let seed = 1;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      pixels[y * WIDTH + x] = Math.min(4095, 1500 + ((x * 3 + y * 2) >> 4) + (seed >>> 28));
    }
  }
  const base = {
    width: WIDTH,
    height: HEIGHT,
    pixels,
    bitsAllocated: 16,
    bitsStored: 12,
    pixelSpacingMm: [0.07, 0.07],
  };
  await time('explicit VR LE', encodeDicom(base));
  await time('implicit VR LE', encodeDicom({ ...base, transferSyntax: 'implicit-le' }));
  await time('explicit VR LE + VOI window', encodeDicom({ ...base, window: { center: 2048, width: 4096 } }));
  await time('deflated explicit VR LE', encodeDicom({ ...base, transferSyntax: 'deflated-explicit-le' }), 5);
  await time('JPEG-LS lossless', await encodeDicomCompressed({ ...base, compression: 'jpeg-ls' }), 5);
  await time('JPEG 2000 lossless', await encodeDicomCompressed({ ...base, compression: 'jpeg2000' }), 3);
  const png16 = Uint16Array.from(pixels, (v) => v * 16);
  await time(
    'PNG 16-bit',
    await encodePng({ width: WIDTH, height: HEIGHT, pixels: png16, bits: 16, pixelSpacingMm: 0.07 }),
    5,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
