/**
 * Trains the mass acceptance classifier of detectMasses and writes it to src/mass-classifier.ts.
 *
 * For every image of the training phantoms (@calcscope/phantom mixedSpecs, SETS below: seeds of the
 * tuning range 1000–1999, disjoint from the evaluation seeds 5, 11, 12, 13; both image sizes), every
 * mass candidate (findMassCandidates, as many as detectMasses takes) is delineated (draftMassAround,
 * completeMass) and described by massFeatures; its label is 1 when it matches a true mass by the evaluation rule (its centroid in the
 * truth mask, or the truth centroid in its region), else 0. A logistic regression on standardised
 * features is fitted by Newton–Raphson (IRLS) with a small ridge penalty. The acceptance threshold is
 * the log-odds that FALSE_PER_IMAGE false candidates per training image pass (before detectMasses
 * drops candidates inside an accepted mass, which leaves fewer false masses than that).
 *
 * Deterministic: the same seeds give the same file. Run after a build:
 *   npm run -s build && node libs/segmentation/scripts/train-mass-classifier.cjs
 */
const fs = require('node:fs');
const path = require('node:path');
const { generatePhantom, mixedSpecs, rasterizePolygon, toGrayImage } = require('../../phantom/dist/index.js');
const { findMassCandidates, segmentBreast } = require('../dist/index.js');
const { massFeatures } = require('../dist/mass-detection.js');
const { massPlane } = require('../dist/mass-outline.js');
const {
  chooseMassOutline,
  completeMassOutline,
  resolveMassSettings,
} = require('../dist/mass-segmentation.js');

/** Training sets: [seed, images, size]. */
const SETS = [
  [1100, 50, '1024'],
  [1101, 50, '1024'],
  [1102, 50, '1024'],
  [1103, 50, '1024'],
  [1200, 10, 'full'],
  [1201, 10, 'full'],
  [1202, 10, 'full'],
];
const FALSE_PER_IMAGE = 2;
const RIDGE = 1e-3;
const FEATURE_NAMES = ['lnEdgeRatio', 'lnEdgeClosure', 'contrast', 'lnDiameterMm', 'rank'];
const OUT = path.join(__dirname, '..', 'src', 'mass-classifier.ts');

/** Candidates of one image: features, label, the truth mass matched (-1: none), truth sizes. */
function imageSamples(spec) {
  const phantom = generatePhantom(spec);
  const image = toGrayImage(phantom);
  const { width, height } = image;
  const truths = phantom.truth.masses.map((mass) => {
    const mask = rasterizePolygon(mass.polygon, width, height);
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 0) continue;
      sx += i % width;
      sy += Math.floor(i / width);
      n++;
    }
    return { mask, centre: Math.round(sy / n) * width + Math.round(sx / n), diameterMm: mass.diameterMm };
  });
  const breast = segmentBreast(image);
  const settings = resolveMassSettings({});
  const samples = [];
  const plane = massPlane(image, breast);
  findMassCandidates(image, { breast }).forEach((candidate, rank) => {
    // Features from the chosen outline (what detectMasses scores), label from the completed mask.
    const choice = chooseMassOutline(plane, candidate, candidate.radiusMm, settings);
    if (!choice || choice.measures.contrast < settings.minContrast || choice.measures.edgeRatio < 1) return;
    const mass = completeMassOutline(image, plane, breast, choice, settings);
    if (!mass) return;
    const centroid = Math.round(mass.centroid.y) * width + Math.round(mass.centroid.x);
    const region = new Set(mass.region.indices);
    const match = truths.findIndex((t) => t.mask[centroid] !== 0 || region.has(t.centre));
    samples.push({ features: massFeatures(choice.measures, rank), label: match >= 0 ? 1 : 0, match });
  });
  return { samples, truthDiameters: truths.map((t) => t.diameterMm) };
}

/** Solves A x = b (A symmetric positive definite, row-major n × n) by Cholesky. */
function solveSpd(a, b, n) {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = i === j ? Math.sqrt(s) : s / l[j * n + j];
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** Ridge-penalised logistic regression by IRLS on standardised rows (intercept unpenalised). */
function fitLogistic(rows, labels) {
  const d = rows[0].length;
  const mean = new Array(d).fill(0);
  const scale = new Array(d).fill(0);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j] / rows.length;
  for (const r of rows) for (let j = 0; j < d; j++) scale[j] += (r[j] - mean[j]) ** 2 / rows.length;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  const z = rows.map((r) => [...r.map((v, j) => (v - mean[j]) / scale[j]), 1]);
  const p = d + 1;
  let beta = new Float64Array(p);
  for (let iteration = 0; iteration < 50; iteration++) {
    const hessian = new Float64Array(p * p);
    const gradient = new Float64Array(p);
    z.forEach((x, i) => {
      let eta = 0;
      for (let j = 0; j < p; j++) eta += beta[j] * x[j];
      const mu = 1 / (1 + Math.exp(-eta));
      const w = Math.max(mu * (1 - mu), 1e-9);
      for (let j = 0; j < p; j++) {
        gradient[j] += (labels[i] - mu) * x[j];
        for (let k = 0; k < p; k++) hessian[j * p + k] += w * x[j] * x[k];
      }
    });
    for (let j = 0; j < d; j++) {
      gradient[j] -= RIDGE * rows.length * beta[j];
      hessian[j * p + j] += RIDGE * rows.length;
    }
    const step = solveSpd(hessian, gradient, p);
    let change = 0;
    const next = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      next[j] = beta[j] + step[j];
      change = Math.max(change, Math.abs(step[j]));
    }
    beta = next;
    if (change < 1e-10) break;
  }
  const min = rows[0].map((_, j) => Math.min(...rows.map((r) => r[j])));
  const max = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j])));
  return { mean, scale, weights: Array.from(beta.subarray(0, d)), bias: beta[d], min, max };
}

/** As massAcceptanceScore: features clamped to the training range. */
function logOdds(model, features) {
  let s = model.bias;
  for (let j = 0; j < features.length; j++) {
    const v = Math.min(model.max[j], Math.max(model.min[j], features[j]));
    s += (model.weights[j] * (v - model.mean[j])) / model.scale[j];
  }
  return s;
}

/** The log-odds that FALSE_PER_IMAGE false candidates per image reach, and the sensitivity there. */
function chooseThreshold(model, images) {
  const falseScores = images
    .flatMap((i) => i.samples.filter((s) => s.label === 0))
    .map((s) => logOdds(model, s.features))
    .sort((a, b) => b - a);
  const threshold =
    falseScores[Math.min(falseScores.length - 1, Math.round(FALSE_PER_IMAGE * images.length))];
  let masses = 0;
  let found = 0;
  for (const { samples, truthDiameters } of images) {
    truthDiameters.forEach((diameter, k) => {
      if (diameter < 8) return;
      masses++;
      if (samples.some((s) => s.match === k && logOdds(model, s.features) >= threshold)) found++;
    });
  }
  return { threshold, masses, sensitivity: found / masses };
}

const round = (v) => Number(v.toPrecision(6));

function main() {
  const images = [];
  for (const [seed, count, size] of SETS) {
    for (const spec of mixedSpecs(count, seed, { size })) images.push(imageSamples(spec));
    process.stderr.write(`train-mass-classifier: seed ${seed} (${size}) done (${images.length} images)\n`);
  }
  const samples = images.flatMap((i) => i.samples);
  const model = fitLogistic(
    samples.map((s) => s.features),
    samples.map((s) => s.label),
  );
  const { threshold, masses, sensitivity } = chooseThreshold(model, images);
  const list = (values) =>
    `[${values.map((v) => (typeof v === 'string' ? `'${v}'` : String(round(v)))).join(', ')}]`;
  const sets = SETS.map(([seed, count, size]) => `${seed} × ${count} (${size})`).join(', ');
  const text = `/**
 * Mass acceptance classifier of detectMasses: logistic regression on standardised massFeatures().
 *
 * GENERATED by scripts/train-mass-classifier.cjs — do not edit; re-run the script to retrain.
 * Training data: mixedSpecs phantoms, seed × images (size): ${sets};
 * ${samples.length} candidates, ${samples.filter((s) => s.label === 1).length} on true masses. Threshold: the log-odds that ${FALSE_PER_IMAGE} false candidates
 * per training image reach; ${(100 * sensitivity).toFixed(1)} % of the ${masses} training masses ≥ 8 mm have a matching
 * candidate above it.
 */
export const MASS_CLASSIFIER = {
  featureNames: ${list(FEATURE_NAMES)},
  mean: ${list(model.mean)},
  scale: ${list(model.scale)},
  weights: ${list(model.weights)},
  bias: ${round(model.bias)},
  min: ${list(model.min)},
  max: ${list(model.max)},
  threshold: ${round(threshold)},
} as const;
`;
  fs.writeFileSync(OUT, text);
  process.stdout.write(`wrote ${OUT}\n${text}`);
}

main();
