/**
 * The DCIS/IDC hook: when image models (card task 'dcis-idc', input `roi`) are serving, each MC cluster's
 * ROI — cut in the analysis worker to the size and scaling the model's card asks for (roi.ts) — goes
 * through ModelManager.inferRouted like any routed request (batching, canary, shadow, metrics), and the
 * answer carries the IDC probability and, when the model outputs one, its class activation map. Without
 * such a model nothing is cut or run, and the response's notes say so.
 */
import type { RoiCrops, RoiSpec } from '@calcscope/analysis';
import type { ClusterFinding, ClusterPrediction } from '@calcscope/contracts';
import { InferenceError } from '../errors';
import type { ResponseTensor } from '../serving/infer-response';
import type { ModelManager } from '../serving/model-manager';
import type { ServedVersion } from '../serving/served-version';
import { twoClassRows } from './lesion-predictions';
import { ROI_INPUT, ROI_TASK, roiSpecForModel } from './roi';

/** Decimals kept in a CAM (it is for display). */
const CAM_SCALE = 1e4;

/**
 * The ROI specs the analysis must cut: one per distinct spec among every serving version (production,
 * canaries, shadows) of every image model, so whichever version the routing picks finds its crops.
 *
 * @param manager - The model manager.
 * @returns Distinct specs, in model then version order; empty when no image model is serving.
 */
export function roiSpecsToCut(manager: ModelManager): RoiSpec[] {
  const specs = new Map<string, RoiSpec>();
  for (const served of manager.servingVersions()) {
    if (served.card.task !== ROI_TASK) continue;
    const found = roiSpecForModel(served.card, served.signature);
    if ('spec' in found) specs.set(found.spec.key, found.spec);
  }
  return [...specs.values()];
}

/**
 * Runs every serving image model on every MC cluster's ROI. A model that cannot be fed or fails is left
 * out with a note; it never fails the analysis.
 *
 * @param manager - The model manager.
 * @param clusters - The analysis' clusters.
 * @param crops - The ROIs the worker cut (see roiSpecsToCut), one batch per spec.
 * @param notes - Receives one line per model left out, or why no model ran.
 * @returns Predictions in cluster order, then model name.
 */
export async function predictClusters(
  manager: ModelManager,
  clusters: readonly ClusterFinding[],
  crops: readonly RoiCrops[],
  notes: string[],
): Promise<ClusterPrediction[]> {
  const models = manager.servingModels().filter((model) => model.production.card.task === ROI_TASK);
  if (models.length === 0) {
    notes.push(
      `no DCIS/IDC model (card task '${ROI_TASK}', input '${ROI_INPUT}') is serving: MC clusters have no subtype prediction`,
    );
    return [];
  }
  if (clusters.length === 0) {
    notes.push('no MC cluster was found: the DCIS/IDC models were not run');
    return [];
  }
  const perModel = await Promise.all(
    models.map((model) => predictWithModel(manager, model, clusters, crops, notes)),
  );
  const order = new Map(clusters.map((cluster, i) => [cluster.id, i]));
  return perModel
    .flat()
    .sort(
      (a, b) =>
        order.get(a.clusterId)! - order.get(b.clusterId)! ||
        (a.model < b.model ? -1 : a.model > b.model ? 1 : 0),
    );
}

async function predictWithModel(
  manager: ModelManager,
  model: { name: string; production: ServedVersion },
  clusters: readonly ClusterFinding[],
  crops: readonly RoiCrops[],
  notes: string[],
): Promise<ClusterPrediction[]> {
  const usable = roiSpecForModel(model.production.card, model.production.signature);
  if ('problem' in usable) {
    notes.push(`model '${model.name}' not used: ${usable.problem}`);
    return [];
  }
  const predictions: ClusterPrediction[] = [];
  const chunk = Math.max(1, model.production.signature.maxBatchSize);
  for (let start = 0; start < clusters.length; start += chunk) {
    const count = Math.min(chunk, clusters.length - start);
    let used: { spec: RoiSpec; crops: RoiCrops } | undefined;
    try {
      const { response, version } = await manager.inferRouted(model.name, (served) => {
        used = cropsFor(served, crops);
        const area = used.spec.pixels * used.spec.pixels;
        const outputs = [{ name: 'probabilities' }];
        if (served.signature.outputs.some((tensor) => tensor.name === 'cam')) outputs.push({ name: 'cam' });
        return {
          inputs: [
            {
              name: ROI_INPUT,
              datatype: 'FP32',
              shape: [count, 1, used.spec.pixels, used.spec.pixels],
              data: Array.from(used.crops.data.subarray(start * area, (start + count) * area)),
            },
          ],
          outputs,
        };
      });
      const { spec, crops: batch } = used!;
      const cams = camsOf(
        response.outputs.find((output) => output.name === 'cam'),
        count,
      );
      twoClassRows(response, count).forEach((row, r) => {
        const c = start + r;
        predictions.push({
          clusterId: clusters[c].id,
          model: model.name,
          version: version.version,
          task: version.card.task,
          probability: row.probability,
          label: row.label,
          provider: version.provider,
          roi: { centre: batch.centres[c], sizeMm: spec.sizeMm, pixels: spec.pixels },
          ...(cams ? { cam: cams[r] } : {}),
        });
      });
    } catch (error) {
      notes.push(`model '${model.name}' gave no cluster prediction: ${(error as Error).message}`);
    }
  }
  return predictions;
}

/** The crops cut for a version's spec. */
function cropsFor(served: ServedVersion, crops: readonly RoiCrops[]): { spec: RoiSpec; crops: RoiCrops } {
  const found = roiSpecForModel(served.card, served.signature);
  if ('problem' in found) throw new InferenceError('BAD_REQUEST', found.problem);
  const batch = crops.find((candidate) => candidate.key === found.spec.key);
  if (batch === undefined)
    throw new InferenceError(
      'UNAVAILABLE',
      `version ${served.version} started serving during the analysis and wants ROIs (${found.spec.key}) that were not cut`,
    );
  return { spec: found.spec, crops: batch };
}

/** Splits a `cam` output [n, h, w] into per-ROI maps with 4 decimals; undefined when absent or malformed. */
function camsOf(
  tensor: ResponseTensor | undefined,
  count: number,
): Array<{ width: number; height: number; data: number[] }> | undefined {
  if (tensor === undefined || tensor.shape.length !== 3 || tensor.shape[0] !== count) return undefined;
  const [, height, width] = tensor.shape;
  const area = height * width;
  if (tensor.data.length !== count * area) return undefined;
  return Array.from({ length: count }, (_, r) => {
    const data = new Array<number>(area);
    for (let i = 0; i < area; i++)
      data[i] = Math.round(Number(tensor.data[r * area + i]) * CAM_SCALE) / CAM_SCALE;
    return { width, height, data };
  });
}
