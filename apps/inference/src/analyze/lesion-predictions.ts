/**
 * Malignancy predictions for the lesions of an analysis: every serving model whose card says task
 * 'malignancy' and scenario 'combined', 'mc' or 'mass' gets the lesions its scenario covers, with the
 * feature columns its card names, through ModelManager.inferRouted — the path of routed OIP requests, so
 * dynamic batching, canary splits, shadow mirrors and metrics apply as to any client's request.
 */
import type { LesionFinding, LesionPrediction } from '@calcscope/contracts';
import { COMBINED_FEATURE_NAMES } from '@calcscope/features';
import { InferenceError } from '../errors';
import type { InferResponseBody } from '../serving/infer-response';
import type { ModelManager } from '../serving/model-manager';
import type { ServedVersion } from '../serving/served-version';
import type { ModelSignature } from '../serving/signature';

/** Card task of the tabular malignancy models. */
export const MALIGNANCY_TASK = 'malignancy';
/** Name of the tabular models' input. */
export const FEATURES_INPUT = 'features';

const LESION_FEATURES = new Set(COMBINED_FEATURE_NAMES);

/**
 * The lesions a scenario covers.
 *
 * @param scenario - A card's scenario.
 * @param lesions - The analysis' lesions.
 * @returns 'combined': every lesion; 'mc': lesions with MCs ('mc', 'mc+mass'); 'mass': lesions with a
 *   mass ('mass', 'mc+mass'); undefined for any other scenario (e.g. 'table': a user's feature table).
 */
export function lesionsForScenario(
  scenario: string,
  lesions: readonly LesionFinding[],
): LesionFinding[] | undefined {
  if (scenario === 'combined') return [...lesions];
  if (scenario === 'mc') return lesions.filter((lesion) => lesion.kind !== 'mass');
  if (scenario === 'mass') return lesions.filter((lesion) => lesion.kind !== 'mc');
  return undefined;
}

/** A tabular request for one model version: the body and the lesions its rows are, in order. */
export interface TabularRequest {
  readonly body: { inputs: unknown[]; outputs: Array<{ name: string }> };
  readonly lesions: LesionFinding[];
  /** Lesions left out because a feature the model needs is NaN or infinite (models refuse those). */
  readonly nonFinite: Array<{ lesionId: string; feature: string }>;
}

/**
 * Builds the OIP request of a tabular model for some lesions.
 *
 * @param featureNames - The card's ordered feature names (the columns of `features`).
 * @param signature - The version's tensors.
 * @param lesions - Candidate lesions (already filtered by scenario).
 * @returns The body (`features` FP32 [n, F] picked by name from each lesion's 41 features; outputs
 *   `probabilities` and, when the model has it, `label`) and the lesions it covers.
 * @throws InferenceError BAD_REQUEST when the model's inputs are not exactly `features` FP32 [-1, F] with
 *   F = featureNames.length, it has no batch axis or no `probabilities` output, or it names a feature
 *   the lesions do not have.
 */
export function tabularRequest(
  featureNames: readonly string[],
  signature: ModelSignature,
  lesions: readonly LesionFinding[],
): TabularRequest {
  const input = signature.inputs[0];
  const width = featureNames.length;
  if (
    signature.inputs.length !== 1 ||
    input.name !== FEATURES_INPUT ||
    input.datatype !== 'FP32' ||
    input.dims.length !== 1 ||
    input.dims[0] !== width
  )
    throw new InferenceError(
      'BAD_REQUEST',
      `its inputs are not exactly '${FEATURES_INPUT}' FP32 [-1, ${width}] (one column per card feature name)`,
    );
  if (signature.maxBatchSize < 1) throw new InferenceError('BAD_REQUEST', 'it has no batch axis');
  if (!signature.outputs.some((tensor) => tensor.name === 'probabilities'))
    throw new InferenceError('BAD_REQUEST', `it has no 'probabilities' output`);
  const unknown = featureNames.filter((name) => !LESION_FEATURES.has(name));
  if (unknown.length > 0)
    throw new InferenceError(
      'BAD_REQUEST',
      `its card names features a lesion does not have: ${unknown.slice(0, 5).join(', ')}`,
    );
  const data: number[] = [];
  const included: LesionFinding[] = [];
  const nonFinite: Array<{ lesionId: string; feature: string }> = [];
  for (const lesion of lesions) {
    const bad = featureNames.find((name) => !Number.isFinite(lesion.features[name]));
    if (bad !== undefined) {
      nonFinite.push({ lesionId: lesion.id, feature: bad });
      continue;
    }
    for (const name of featureNames) data.push(lesion.features[name]);
    included.push(lesion);
  }
  const outputs = [{ name: 'probabilities' }];
  if (signature.outputs.some((tensor) => tensor.name === 'label')) outputs.push({ name: 'label' });
  return {
    body: {
      inputs: [{ name: FEATURES_INPUT, datatype: 'FP32', shape: [included.length, width], data }],
      outputs,
    },
    lesions: included,
    nonFinite,
  };
}

/**
 * The data of one output of an OIP response.
 *
 * @param response - The response.
 * @param name - Output name.
 * @returns Its flat data as numbers, or undefined when the response lacks it.
 */
export function outputData(response: InferResponseBody, name: string): number[] | undefined {
  const tensor = response.outputs.find((output) => output.name === name);
  return tensor === undefined ? undefined : (tensor.data as unknown[]).map(Number);
}

/**
 * Reads per-row probability (column 1) and label from a two-class response.
 *
 * @param response - Response with `probabilities` [n, 2] and optionally `label` [n, 1].
 * @param rows - n.
 * @returns Per row: probability = column 1; label = the `label` output, else 1 when column 1 > column 0.
 * @throws InferenceError MODEL_FAILURE when `probabilities` is missing or not n × 2.
 */
export function twoClassRows(
  response: InferResponseBody,
  rows: number,
): Array<{ probability: number; label: number }> {
  const probabilities = outputData(response, 'probabilities');
  if (probabilities === undefined || probabilities.length !== 2 * rows)
    throw new InferenceError(
      'MODEL_FAILURE',
      `expected 'probabilities' with ${rows} × 2 values, got ${probabilities?.length ?? 'none'}`,
    );
  const labels = outputData(response, 'label');
  return Array.from({ length: rows }, (_, r) => ({
    probability: probabilities[2 * r + 1],
    label:
      labels !== undefined && labels.length === rows
        ? labels[r]
        : probabilities[2 * r + 1] > probabilities[2 * r]
          ? 1
          : 0,
  }));
}

/** The tabular models serving now: task 'malignancy', by name, with their production version. */
function malignancyModels(manager: ModelManager): Array<{ name: string; production: ServedVersion }> {
  return manager.servingModels().filter((model) => model.production.card.task === MALIGNANCY_TASK);
}

/**
 * Predicts every lesion with every matching malignancy model (see the module comment). A model that
 * cannot be fed or fails is left out with a note; it never fails the analysis.
 *
 * @param manager - The model manager.
 * @param lesions - The analysis' lesions.
 * @param notes - Receives one line per model or lesion left out.
 * @returns Predictions in lesion order, then model name.
 */
export async function predictLesions(
  manager: ModelManager,
  lesions: readonly LesionFinding[],
  notes: string[],
): Promise<LesionPrediction[]> {
  const models = malignancyModels(manager);
  if (models.length === 0) {
    notes.push(
      `no malignancy model (card task '${MALIGNANCY_TASK}') is serving: lesions have no predictions`,
    );
    return [];
  }
  const perModel = await Promise.all(models.map((model) => predictWithModel(manager, model, lesions, notes)));
  const order = new Map(lesions.map((lesion, i) => [lesion.id, i]));
  return perModel
    .flat()
    .sort(
      (a, b) =>
        order.get(a.lesionId)! - order.get(b.lesionId)! ||
        (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
    );
}

async function predictWithModel(
  manager: ModelManager,
  model: { name: string; production: ServedVersion },
  lesions: readonly LesionFinding[],
  notes: string[],
): Promise<LesionPrediction[]> {
  const covered = lesionsForScenario(model.production.card.scenario, lesions);
  if (covered === undefined) {
    notes.push(
      `model '${model.name}' not used: scenario '${model.production.card.scenario}' is not one analyze computes (combined, mc, mass)`,
    );
    return [];
  }
  const predictions: LesionPrediction[] = [];
  // Versions of a model share config.pbtxt, hence max_batch_size.
  const chunk = Math.max(1, model.production.signature.maxBatchSize);
  for (let start = 0; start < covered.length; start += chunk) {
    const candidates = covered.slice(start, start + chunk);
    let request: TabularRequest | undefined;
    try {
      const { response, version } = await manager.inferRouted(model.name, (served) => {
        request = tabularRequest(served.card.featureNames, served.signature, candidates);
        if (request.lesions.length === 0)
          throw new InferenceError('BAD_REQUEST', 'every lesion has a non-finite feature it needs');
        return request.body;
      });
      const included = request!.lesions;
      twoClassRows(response, included.length).forEach((row, r) => {
        predictions.push({
          lesionId: included[r].id,
          model: model.name,
          version: version.version,
          scenario: version.card.scenario,
          probability: row.probability,
          label: row.label,
          provider: version.provider,
        });
      });
    } catch (error) {
      notes.push(`model '${model.name}' gave no prediction: ${(error as Error).message}`);
    }
    for (const skipped of (request as TabularRequest | undefined)?.nonFinite ?? [])
      notes.push(
        `model '${model.name}' skipped ${skipped.lesionId}: its feature '${skipped.feature}' is not finite`,
      );
  }
  return predictions;
}
