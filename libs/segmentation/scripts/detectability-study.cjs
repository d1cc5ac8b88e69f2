/**
 * Why the MC and cluster targets were missed on phantom 1.0.0, and what 1.1.0 changed: three
 * measurements, one command.
 *
 *   npm run -s build && node libs/segmentation/scripts/detectability-study.cjs [learners|share|whatif|all]
 *
 * Every run sets the phantom's anatomical smoothing (PHANTOM_PARAMETERS.tissue.anatomicalSmoothingMm)
 * and, where it says so, the detector options explicitly, in memory only: 0 mm is phantom 1.0.0,
 * 0.15 mm is 1.1.0; "previous defaults" are the detector's before 1.1.0 (seed CNR 4, link 5, strong
 * 5.3, every detected MC may attach). The product's code and files are not changed.
 *
 * learners – Is there information at the candidates that the detector's CNR does not use? Liberal
 *   candidates (detectMicrocalcifications with seedCnr 2.5, isolation off) of 80 training phantoms
 *   (seed 1100, phantom 1.0.0) are described by their 11 × 11 pixel neighbourhood (minus its border
 *   mean, divided by a local noise sigma: 1.4826·MAD of a 5-point Laplacian over 31 × 31 pixels) plus
 *   CNR and diameter, labelled by the evaluation's MC rule, and two classifiers are fitted: a ridge
 *   logistic regression (IRLS; a learned linear template) and a one-hidden-layer MLP (32 leaky-ReLU
 *   units, SGD, the positives repeated 10×). On 30 test phantoms (seed 1001) each is compared with the
 *   CNR alone at the same numbers of false candidates per image (sensitivity for MCs ≥ 0.2 mm).
 * share – Which noise limits MC detection? On 8 mass-only phantoms (seed 1001), the share of the MC
 *   detection band's variance (Gaussian 0.05 mm minus box mean ±0.3 mm, inside the breast) that the
 *   anatomy (noise-free phantom) has, against the detector noise (noisy minus noise-free), for
 *   anatomical smoothing 0 (1.0.0), 0.1, 0.15 (1.1.0), 0.2 and 0.3 mm.
 * whatif – eval-detection's scoring on 50 tuning phantoms (seed 1001): phantom 1.0.0 with the previous
 *   defaults; the same with the MC contrast amplitude 0.55 → 0.9 (an effective calcium attenuation of
 *   1.18 → 1.93 per mm); the same with the texture smoothed at 0.1 mm; and 1.1.0 with today's defaults.
 *
 * Deterministic. About 2.5, 1 and 3 minutes on this 2-core machine. Reads the libraries' dist builds.
 */
const phantomLib = require('../../phantom/dist/index.js');
const { gaussianBlur } = require('../dist/gaussian.js');
const { subtractBoxMean } = require('../dist/box-filter.js');
const {
  detectMicrocalcifications,
  scoreImage,
  segmentBreast,
  segmentImage,
  summarizeScores,
} = require('../dist/index.js');

const { generatePhantom, mixedSpecs, rasterizePolygon, toGrayImage, PHANTOM_PARAMETERS } = phantomLib;
const PATCH_RADIUS = 5;
const SIGMA_RADIUS = 15;
const FALSE_PER_IMAGE = [10, 20, 40, 80];

/** Random numbers for the MLP (a fixed LCG: the study is deterministic). */
function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

/** Feature vector of one candidate, or null too near the border. */
function candidateFeatures(image, mc) {
  const { width: w, height: h, data } = image;
  const cx = Math.round(mc.centroid.x);
  const cy = Math.round(mc.centroid.y);
  if (
    cx < SIGMA_RADIUS + 2 ||
    cy < SIGMA_RADIUS + 2 ||
    cx >= w - SIGMA_RADIUS - 2 ||
    cy >= h - SIGMA_RADIUS - 2
  ) {
    return null;
  }
  const residuals = [];
  for (let y = cy - SIGMA_RADIUS; y <= cy + SIGMA_RADIUS; y += 2) {
    for (let x = cx - SIGMA_RADIUS; x <= cx + SIGMA_RADIUS; x += 2) {
      const i = y * w + x;
      residuals.push(data[i] - 0.25 * (data[i - 2] + data[i + 2] + data[i - 2 * w] + data[i + 2 * w]));
    }
  }
  residuals.sort((a, b) => a - b);
  const median = residuals[residuals.length >> 1];
  const deviations = residuals.map((v) => Math.abs(v - median)).sort((a, b) => a - b);
  const sigma = Math.max(1e-4, 1.4826 * deviations[deviations.length >> 1]);
  let border = 0;
  let borderCount = 0;
  const r = PATCH_RADIUS;
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue;
      border += data[(cy + dy) * w + cx + dx];
      borderCount++;
    }
  }
  border /= borderCount;
  const f = [];
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) f.push((data[(cy + dy) * w + cx + dx] - border) / sigma / 10);
  }
  f.push(mc.cnr / 10, mc.diameterMm, Math.log(mc.cnr));
  return f;
}

/** Liberal candidates of n phantoms with features, labels and the truth MC (≥ 0.2 mm) each matches. */
function candidateSet(n, seed) {
  const rows = [];
  let truthAtLeast02 = 0;
  mixedSpecs(n, seed, { size: '1024' }).forEach((spec, imageIndex) => {
    const phantom = generatePhantom(spec);
    const image = toGrayImage(phantom);
    const breast = segmentBreast(image);
    const truth = phantom.truth.microcalcifications;
    truthAtLeast02 += truth.filter((t) => t.diameterMm >= 0.2).length;
    for (const mc of detectMicrocalcifications(image, {
      breast,
      seedCnr: 2.5,
      growCnr: 2.5,
      isolationFraction: 0,
    })) {
      const x = candidateFeatures(image, mc);
      if (!x) continue;
      let label = 0;
      let match = null;
      truth.forEach((t, k) => {
        const reach = Math.max(0.3, t.diameterMm / 2) / phantom.pixelSpacingMm.col;
        if (Math.hypot(mc.centroid.x - t.x, mc.centroid.y - t.y) > reach) return;
        label = 1;
        if (t.diameterMm >= 0.2) match = `${imageIndex}:${k}`;
      });
      rows.push({ x, label, match, cnr: mc.cnr });
    }
  });
  return { rows, images: n, truthAtLeast02 };
}

/** Sensitivity (MCs ≥ 0.2 mm) when the score threshold lets `falsePerImage` false candidates through. */
function sensitivityAt(set, scores, falsePerImage) {
  const negatives = scores.filter((_, i) => set.rows[i].label === 0).sort((a, b) => b - a);
  const threshold = negatives[Math.min(negatives.length - 1, falsePerImage * set.images)];
  const found = new Set();
  scores.forEach((s, i) => {
    if (s > threshold && set.rows[i].match) found.add(set.rows[i].match);
  });
  return found.size / set.truthAtLeast02;
}

function solveLinear(a, b, n) {
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]) > Math.abs(a[pivot * n + c])) pivot = r;
    if (pivot !== c) {
      for (let k = 0; k < n; k++) [a[c * n + k], a[pivot * n + k]] = [a[pivot * n + k], a[c * n + k]];
      [b[c], b[pivot]] = [b[pivot], b[c]];
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c] / a[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
      b[r] -= f * b[c];
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < n; k++) s -= a[r * n + k] * x[k];
    x[r] = s / a[r * n + r];
  }
  return x;
}

/** Class-balanced ridge logistic regression by Newton–Raphson; returns a scoring function. */
function fitLogistic(rows) {
  const f = rows[0].x.length + 1;
  const w = new Float64Array(f);
  const positives = rows.filter((r) => r.label).length;
  const positiveWeight = (rows.length - positives) / positives;
  const z = (x) => {
    let s = w[f - 1];
    for (let k = 0; k < f - 1; k++) s += w[k] * x[k];
    return s;
  };
  for (let iteration = 0; iteration < 12; iteration++) {
    const hessian = new Float64Array(f * f);
    const gradient = new Float64Array(f);
    for (const { x, label } of rows) {
      const p = 1 / (1 + Math.exp(-z(x)));
      const weight = label ? positiveWeight : 1;
      const g = weight * (p - label);
      const hw = weight * p * (1 - p);
      for (let a = 0; a < f; a++) {
        const xa = a < f - 1 ? x[a] : 1;
        gradient[a] += g * xa;
        for (let b = 0; b <= a; b++) hessian[a * f + b] += hw * xa * (b < f - 1 ? x[b] : 1);
      }
    }
    for (let a = 0; a < f; a++) {
      gradient[a] += w[a];
      hessian[a * f + a] += 1;
      for (let b = 0; b < a; b++) hessian[b * f + a] = hessian[a * f + b];
    }
    const step = solveLinear(hessian, gradient, f);
    let largest = 0;
    for (let a = 0; a < f; a++) {
      w[a] -= step[a];
      largest = Math.max(largest, Math.abs(step[a]));
    }
    if (largest < 1e-6) break;
  }
  return z;
}

/** One-hidden-layer MLP (leaky ReLU), SGD on log-loss, positives repeated 10×; returns a scorer. */
function fitMlp(rows, hidden = 32, epochs = 3) {
  const f = rows[0].x.length;
  const random = lcg(7);
  const w1 = Float64Array.from({ length: hidden * f }, () => (random() - 0.5) * 2 * Math.sqrt(3 / f));
  const b1 = new Float64Array(hidden);
  const w2 = Float64Array.from({ length: hidden }, () => (random() - 0.5) * 2 * Math.sqrt(3 / hidden));
  let b2 = 0;
  const h = new Float64Array(hidden);
  const forward = (x) => {
    for (let j = 0; j < hidden; j++) {
      let s = b1[j];
      for (let k = 0; k < f; k++) s += w1[j * f + k] * x[k];
      h[j] = s > 0 ? s : 0.01 * s;
    }
    let s = b2;
    for (let j = 0; j < hidden; j++) s += w2[j] * h[j];
    return s;
  };
  const order = [];
  rows.forEach((r, i) => {
    for (let k = 0; k < (r.label ? 10 : 1); k++) order.push(i);
  });
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const rate = 0.01 / (1 + 0.3 * epoch);
    for (const i of order) {
      const { x, label } = rows[i];
      const g = 1 / (1 + Math.exp(-forward(x))) - label;
      for (let j = 0; j < hidden; j++) {
        const gh = g * w2[j] * (h[j] > 0 ? 1 : 0.01);
        w2[j] -= rate * (g * h[j] + 1e-5 * w2[j]);
        for (let k = 0; k < f; k++) w1[j * f + k] -= rate * (gh * x[k] + 1e-5 * w1[j * f + k]);
        b1[j] -= rate * gh;
      }
      b2 -= rate * g;
    }
  }
  return forward;
}

function learners() {
  const restore = withSmoothing(0);
  const train = candidateSet(80, 1100);
  const test = candidateSet(30, 1001);
  restore();
  const positives = train.rows.filter((r) => r.label).length;
  console.log(
    `learners: ${train.rows.length} training candidates (${positives} on true MCs), ${test.rows.length} test candidates`,
  );
  const scorers = { CNR: (row) => row.cnr, logistic: null, MLP: null };
  const logistic = fitLogistic(train.rows);
  const mlp = fitMlp(train.rows);
  scorers.logistic = (row) => logistic(row.x);
  scorers.MLP = (row) => mlp(row.x);
  console.log(`sensitivity for MCs >= 0.2 mm at ${FALSE_PER_IMAGE.join(' / ')} false candidates per image`);
  for (const [name, score] of Object.entries(scorers)) {
    const scores = test.rows.map(score);
    const line = FALSE_PER_IMAGE.map((k) => sensitivityAt(test, scores, k).toFixed(3)).join(' / ');
    console.log(`  ${name.padEnd(9)} ${line}`);
  }
}

/** Detection band of eval-detection's MC filter (Gaussian σ 0.05 mm − box mean ±0.3 mm) at 0.1 mm. */
function detectionBand(image) {
  const plane = gaussianBlur(image.data, image.width, image.height, 0.5, 0.5);
  subtractBoxMean(image.data, plane, image.width, image.height, 3, 3, new Float32Array(plane.length));
  return plane;
}

function share() {
  const specs = mixedSpecs(60, 1001, { size: '1024' })
    .filter((s) => s.lesionType === 'mass')
    .slice(0, 8);
  for (const sigmaMm of [0, 0.1, 0.15, 0.2, 0.3]) {
    const restore = withSmoothing(sigmaMm);
    const shares = specs.map((spec) => {
      const noisy = toGrayImage(generatePhantom(spec));
      const clean = detectionBand(toGrayImage(generatePhantom({ ...spec, noiseScale: 0 })));
      const band = detectionBand(noisy);
      const mask = segmentBreast(noisy).mask;
      let anatomy = 0;
      let noise = 0;
      for (let i = 0; i < mask.length; i++) {
        if (!mask[i]) continue;
        anatomy += clean[i] * clean[i];
        noise += (band[i] - clean[i]) ** 2;
      }
      return `${spec.density}:${(anatomy / (anatomy + noise)).toFixed(2)}`;
    });
    restore();
    const sorted = shares.map((v) => Number(v.split(':')[1])).sort((a, b) => a - b);
    const median = (sorted[3] + sorted[4]) / 2;
    console.log(
      `anatomy's share of the MC band, smoothing ${sigmaMm} mm: ${shares.join(' ')} (median ${median.toFixed(3)})`,
    );
  }
}

/** Sets the phantom's anatomical smoothing in memory (what-if only); returns the undo. */
function withSmoothing(sigmaMm) {
  const tissue = PHANTOM_PARAMETERS.tissue;
  const original = tissue.anatomicalSmoothingMm;
  tissue.anatomicalSmoothingMm = sigmaMm;
  return () => {
    tissue.anatomicalSmoothingMm = original;
  };
}

/** Sets the MC contrast amplitude in memory (what-if only); returns the undo. */
function withMcAmplitude(amplitude) {
  const mc = PHANTOM_PARAMETERS.mc;
  const original = mc.contrastAmplitude;
  mc.contrastAmplitude = amplitude;
  return () => {
    mc.contrastAmplitude = original;
  };
}

function evaluate(n, seed, options) {
  const scores = mixedSpecs(n, seed, { size: '1024' }).map((spec) => {
    const phantom = generatePhantom(spec);
    const t = phantom.truth;
    const result = segmentImage(toGrayImage(phantom), options);
    const truth = {
      width: t.width,
      pixelSpacingMm: t.pixelSpacingMm,
      microcalcifications: t.microcalcifications.map(({ x, y, diameterMm, centreline }) => ({
        x,
        y,
        diameterMm,
        centreline,
      })),
      clusters: t.clusters.map(({ centroid, bbox }) => ({ centroid, bbox })),
      masses: t.masses.map((m) => {
        const mask = rasterizePolygon(m.polygon, t.width, t.height);
        const indices = [];
        for (let i = 0; i < mask.length; i++) if (mask[i]) indices.push(i);
        return { indices: Int32Array.from(indices), diameterMm: m.diameterMm };
      }),
    };
    return scoreImage(truth, result);
  });
  return summarizeScores(scores);
}

/** The detector's defaults before phantom 1.1.0. */
const PREVIOUS_DEFAULTS = {
  microcalcifications: { seedCnr: 4 },
  clusters: { linkCnr: 5, strongCnr: 5.3, attachCnr: 0 },
};

function whatif() {
  const runs = [
    ['phantom 1.0.0, previous defaults', () => withSmoothing(0), PREVIOUS_DEFAULTS],
    [
      '1.0.0, MC contrast amplitude 0.9, previous defaults',
      () => {
        const a = withSmoothing(0);
        const b = withMcAmplitude(0.9);
        return () => {
          b();
          a();
        };
      },
      PREVIOUS_DEFAULTS,
    ],
    ['1.0.0 texture smoothed 0.1 mm, previous defaults', () => withSmoothing(0.1), PREVIOUS_DEFAULTS],
    ["phantom 1.1.0, today's defaults", () => withSmoothing(0.15), {}],
  ];
  const rate = (r) => `${r.rate.toFixed(3)} (${r.found}/${r.total})`;
  for (const [label, apply, options] of runs) {
    const restore = apply();
    const s = evaluate(50, 1001, options);
    restore();
    console.log(
      `${label}: clusters ${rate(s.clusterSensitivity)} at ${s.falseClustersPerImage.toFixed(2)} false/img; ` +
        `MCs >= 0.2 mm ${rate(s.mcSensitivityAtLeast02)}, ${s.falseMcsPerImage.toFixed(1)} false/img; ` +
        `masses >= 8 mm ${rate(s.massSensitivityAtLeast8)}, Dice ${s.meanDiceAtLeast8.toFixed(3)}`,
    );
  }
}

const part = process.argv[2] ?? 'all';
const parts = { learners, share, whatif };
if (part !== 'all' && !parts[part]) {
  console.error('usage: node libs/segmentation/scripts/detectability-study.cjs [learners|share|whatif|all]');
  process.exit(2);
}
for (const [name, run] of Object.entries(parts)) if (part === 'all' || part === name) run();
