/**
 * A class activation map for one image's MC cluster, as `npm run analyze -- FILE --cam out.png` draws it: the
 * DCIS/IDC model (from `--model DIR/model.onnx` or the repository) runs on the cluster's ROI, cut as its card
 * says, and the CAM is painted over the ROI.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ModelCard } from '@calcscope/contracts';
import { FEATURE_SCHEMA_HASH } from '@calcscope/features';
import type { GrayImage, Point } from '@calcscope/imaging';
import { resizeBilinearReference } from '@calcscope/ml';
import { loadModelVersion, readRepository } from '@calcscope/model-repository';
import { ROI_TENSORS, runRoiModel } from './backbone';
import { camOverlayPng } from './cam-overlay';
import { RoiError } from './errors';
import { cutRoi, type RoiSpec } from './roi-spec';

/** A DCIS/IDC model ready to run on ROIs. */
export interface RoiModelHandle {
  readonly onnx: Uint8Array;
  /** e.g. 'dcis-idc-deep-roi v1', or the file path. */
  readonly label: string;
  readonly spec: RoiSpec;
}

/** Families preferred when the repository holds several DCIS/IDC ROI models. */
const PREFERRED_FAMILIES = ['deep', 'cnn', 'ensemble'];

/**
 * The ROI spec a card asks for (`hyperparameters.roiSizeMm`, `roiNormalization`, the `roi` input's side), and
 * whether the model needs nothing but the ROI.
 *
 * @param card - The model card.
 * @returns The spec.
 * @throws RoiError `MODEL_NOT_FOUND` when the card lacks the ROI size, its `roi` input is not [-1, 1, P, P]
 *   or it needs another input (e.g. `clinical`).
 */
export function roiSpecOfCard(card: Pick<ModelCard, 'name' | 'inputs' | 'hyperparameters'>): RoiSpec {
  const roi = card.inputs.find((t) => t.name === ROI_TENSORS.roi);
  const others = card.inputs.filter((t) => t.name !== ROI_TENSORS.roi).map((t) => t.name);
  const pixels = roi?.shape[2];
  if (roi?.shape.length !== 4 || roi.shape[3] !== pixels || !(Number(pixels) > 0))
    throw new RoiError('MODEL_NOT_FOUND', `${card.name}: no roi input [-1, 1, P, P]`);
  if (others.length > 0)
    throw new RoiError(
      'MODEL_NOT_FOUND',
      `${card.name}: also needs ${others.join(', ')}, which an image alone cannot supply`,
    );
  const sizeMm = card.hyperparameters.roiSizeMm;
  if (typeof sizeMm !== 'number' || !(sizeMm > 0))
    throw new RoiError('MODEL_NOT_FOUND', `${card.name}: the card lacks hyperparameters.roiSizeMm`);
  const normalization = card.hyperparameters.roiNormalization ?? 'none';
  if (normalization !== 'zscore' && normalization !== 'none')
    throw new RoiError(
      'MODEL_NOT_FOUND',
      `${card.name}: unknown roiNormalization '${String(normalization)}'`,
    );
  return { sizeMm, pixels: Number(pixels), normalization };
}

/**
 * Loads the DCIS/IDC model: `modelPath` (its card.json must lie beside it), else the highest version of the
 * repository's DCIS/IDC models that take the ROI alone (family 'deep' first), verified by sha256.
 *
 * @param options - `modelPath` or `repository` (default 'models').
 * @returns The model with its ROI spec.
 * @throws RoiError `MODEL_NOT_FOUND` when there is no such model or its card is unusable;
 *   ModelRepositoryError when the stored version fails verification.
 */
export async function loadRoiModel(options: {
  modelPath?: string;
  repository?: string;
}): Promise<RoiModelHandle> {
  if (options.modelPath) {
    const cardPath = join(dirname(options.modelPath), 'card.json');
    let card: ModelCard;
    try {
      card = JSON.parse(await readFile(cardPath, 'utf8')) as ModelCard;
    } catch (error) {
      throw new RoiError(
        'MODEL_NOT_FOUND',
        `cannot read ${cardPath} (the ROI size and normalisation come from the model's card): ${(error as Error).message}`,
      );
    }
    return {
      onnx: new Uint8Array(await readFile(options.modelPath)),
      label: options.modelPath,
      spec: roiSpecOfCard({ ...card, name: card.name ?? options.modelPath }),
    };
  }
  const repository = options.repository ?? 'models';
  let models: Awaited<ReturnType<typeof readRepository>>;
  try {
    models = await readRepository(repository);
  } catch {
    throw new RoiError(
      'MODEL_NOT_FOUND',
      `no model repository at ${repository}: pass --model DIR/model.onnx`,
    );
  }
  const candidates = models.flatMap((m) => {
    const latest = [...m.versions].reverse().find((v) => v.card);
    const card = latest?.card;
    if (!latest || card?.task !== 'dcis-idc') return [];
    try {
      roiSpecOfCard(card);
    } catch {
      return [];
    }
    return [{ name: m.name, version: latest.version, family: card.family }];
  });
  if (candidates.length === 0)
    throw new RoiError(
      'MODEL_NOT_FOUND',
      `no DCIS/IDC ROI model in ${repository}: train one (npm run train:roi)`,
    );
  const rank = (family: string) => {
    const i = PREFERRED_FAMILIES.indexOf(family);
    return i < 0 ? PREFERRED_FAMILIES.length : i;
  };
  candidates.sort((a, b) => rank(a.family) - rank(b.family) || a.name.localeCompare(b.name));
  const chosen = candidates[0];
  const loaded = await loadModelVersion(repository, chosen.name, chosen.version, {
    acceptedSchemaHashes: [FEATURE_SCHEMA_HASH],
  });
  return { onnx: loaded.onnx, label: `${chosen.name} v${chosen.version}`, spec: roiSpecOfCard(loaded.card) };
}

/**
 * Runs the model on the ROI at `centre` and writes the CAM overlay PNG (`camOverlayPng`, 4 output pixels per
 * ROI sample).
 *
 * @param image - The decoded image.
 * @param centre - ROI centre (the cluster centroid), pixel coordinates.
 * @param model - From `loadRoiModel`.
 * @param outPath - PNG path.
 * @returns P(class 1) (IDC) of the ROI.
 * @throws RoiError `MODEL_NOT_FOUND` when the model has no `cam` output.
 */
export async function writeCamOverlay(
  image: GrayImage,
  centre: Point,
  model: RoiModelHandle,
  outPath: string,
): Promise<{ probability: number }> {
  const p = model.spec.pixels;
  const roi = cutRoi(image, centre, model.spec);
  let out: Awaited<ReturnType<typeof runRoiModel>>;
  try {
    out = await runRoiModel(model.onnx, roi, p, [ROI_TENSORS.probabilities, ROI_TENSORS.cam]);
  } catch (error) {
    throw new RoiError('MODEL_NOT_FOUND', `${model.label} cannot give a CAM: ${(error as Error).message}`);
  }
  const [h, w] = out.cam.rowShape;
  const cam =
    h === p && w === p
      ? out.cam.data
      : Float32Array.from(resizeBilinearReference(Float64Array.from(out.cam.data), 1, h, w, p, p));
  await writeFile(outPath, await camOverlayPng({ roi, cam }, p));
  return { probability: out.probabilities.data[1] };
}
