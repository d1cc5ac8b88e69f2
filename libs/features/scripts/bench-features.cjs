// Times all features of a typical image: 5 clusters × 10 MCs and 2 masses of 20 mm at 0.07 mm.
// Usage: npx tsc -b libs/features && node libs/features/scripts/bench-features.cjs
const { regionFromIndices } = require('@calcscope/imaging');
const { assembleLesions, massFeatures, mcClusterFeatures } = require('../dist');

const spacing = 0.07;
const width = 2400;
const height = 3000;
const image = {
  width,
  height,
  data: new Float32Array(width * height),
  pixelSpacingMm: { row: spacing, col: spacing },
  spacingAssumed: false,
  bitsStored: 12,
};
let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
for (let i = 0; i < image.data.length; i++) image.data[i] = 0.3 + 0.05 * random();

function disk(cx, cy, r, value) {
  const indices = [];
  for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
    for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) {
        indices.push(y * width + x);
        image.data[y * width + x] = value + 0.1 * random();
      }
    }
  }
  return regionFromIndices(indices, width);
}

function contourOf(cx, cy, r) {
  const points = [];
  const n = Math.round(2 * Math.PI * r);
  for (let k = 0; k < n; k++) {
    const t = (2 * Math.PI * k) / n;
    points.push({ x: Math.round(cx + r * Math.cos(t)), y: Math.round(cy + r * Math.sin(t)) });
  }
  return points;
}

const massRadius = 10 / spacing; // 20 mm across
const masses = [
  [700, 800],
  [1600, 2000],
].map(([cx, cy]) => ({ region: disk(cx, cy, massRadius, 0.55), contour: contourOf(cx, cy, massRadius) }));
const clusters = [
  [700, 800],
  [1700, 600],
  [500, 2400],
  [1900, 1500],
  [1200, 1300],
].map(([cx, cy]) => ({
  mcs: Array.from({ length: 10 }, (_, k) => ({
    region: disk(
      cx + 60 * Math.cos(k) + 20 * random(),
      cy + 60 * Math.sin(k) + 20 * random(),
      1.5 + 3 * random(),
      0.9,
    ),
  })),
}));

function once() {
  const t0 = performance.now();
  const clusterVectors = clusters.map((c) => mcClusterFeatures(image, c));
  const massVectors = masses.map((m) => massFeatures(image, m));
  const lesions = assembleLesions(image, clusters, masses, { massFeatureVectors: massVectors });
  const t1 = performance.now();
  const lesionsRecomputed = assembleLesions(image, clusters, masses);
  const t2 = performance.now();
  return {
    all: t1 - t0,
    recompute: t2 - t1,
    n: clusterVectors.length + lesions.length + lesionsRecomputed.length,
  };
}

const first = once();
console.log(`first (cold) call: ${first.all.toFixed(2)} ms`);
for (let k = 0; k < 5; k++) once(); // warm-up (JIT)
const runs = Array.from({ length: 30 }, once);
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `features of 5 clusters × 10 MCs + 2 masses of 20 mm at ${spacing} mm (${width}×${height}):`,
  `median ${median(runs.map((r) => r.all)).toFixed(2)} ms (clusters + masses + lesions reusing mass vectors);`,
  `assembleLesions recomputing mass features: ${median(runs.map((r) => r.recompute)).toFixed(2)} ms`,
);
