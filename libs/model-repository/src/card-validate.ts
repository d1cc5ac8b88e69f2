/**
 * A runtime validator for the model card (`ModelCard` of @calcscope/contracts): card.json is read from
 * disk, so its shape is checked field by field rather than trusted.
 */
import type { ModelCard } from '@calcscope/contracts';
import { ModelRepositoryError } from './errors';

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Lowercase words joined by hyphens: 'malignancy', 'dcis-idc'. */
const TASK = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** One lowercase word (underscores allowed), so `<task>-<family>-<scenario>` stays readable. */
const WORD = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;
/** A git object id (abbreviated or full, SHA-1 or SHA-256), optionally `-dirty`; or 'unknown'. */
const CODE_COMMIT = /^(?:[0-9a-f]{7,64}(?:-dirty)?|unknown)$/;
const DATATYPES = ['FP32', 'INT64', 'INT32', 'UINT8'];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects problems with their JSON paths while walking a card. */
class CardChecker {
  readonly problems: string[] = [];

  fail(path: string, text: string): void {
    this.problems.push(`${path}: ${text}`);
  }

  string(value: unknown, path: string, pattern?: RegExp, rule?: string): value is string {
    if (typeof value !== 'string' || value === '') {
      this.fail(path, 'must be a non-empty string');
      return false;
    }
    if (pattern && !pattern.test(value)) {
      this.fail(path, `'${value}' must be ${rule}`);
      return false;
    }
    return true;
  }

  number(value: unknown, path: string, min: number, max: number, integer = false): value is number {
    const ok = typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value));
    if (!ok) {
      this.fail(path, `must be a finite ${integer ? 'integer' : 'number'}`);
      return false;
    }
    if (value < min || value > max) {
      this.fail(path, `${value} must lie in [${min}, ${max}]`);
      return false;
    }
    return true;
  }

  object(value: unknown, path: string): value is Json {
    if (isObject(value)) return true;
    this.fail(path, 'must be an object');
    return false;
  }

  /** Values JSON cannot carry (NaN, Infinity, functions, bigint) would change on the way to disk. */
  jsonSafe(value: unknown, path: string): void {
    if (typeof value === 'number' && !Number.isFinite(value)) this.fail(path, `${value} cannot be stored`);
    else if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol')
      this.fail(path, `a ${typeof value} cannot be stored in JSON`);
    else if (Array.isArray(value))
      for (const [i, item] of value.entries()) this.jsonSafe(item, `${path}[${i}]`);
    else if (isObject(value))
      for (const [key, item] of Object.entries(value)) this.jsonSafe(item, `${path}.${key}`);
  }
}

/** Date.parse accepts 2026-02-30 (rolling into March); a card's timestamp must name a real day. */
function isRealTime(iso: string): boolean {
  const [year, month, day] = iso.slice(0, 10).split('-').map(Number);
  const dayOfMonth = new Date(Date.UTC(year, month - 1, day)).getUTCDate();
  return Number.isFinite(Date.parse(iso)) && dayOfMonth === day;
}

function checkTensors(check: CardChecker, value: unknown, path: string): void {
  if (!Array.isArray(value) || value.length === 0) {
    check.fail(path, 'must be a non-empty array of tensor signatures');
    return;
  }
  const names = new Set<string>();
  value.forEach((tensor: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!check.object(tensor, at)) return;
    if (check.string(tensor.name, `${at}.name`)) {
      if (names.has(tensor.name)) check.fail(`${at}.name`, `'${tensor.name}' is used twice`);
      names.add(tensor.name);
    }
    if (!DATATYPES.includes(tensor.datatype as string))
      check.fail(`${at}.datatype`, `must be one of ${DATATYPES.join(', ')}`);
    const shape = tensor.shape;
    if (!Array.isArray(shape) || shape.length === 0) check.fail(`${at}.shape`, 'must be a non-empty array');
    else
      shape.forEach((dim: unknown, d) => {
        if (dim !== -1 && !(Number.isSafeInteger(dim) && (dim as number) >= 1))
          check.fail(`${at}.shape[${d}]`, 'must be -1 (dynamic) or a positive integer');
      });
  });
}

function checkFeatureNames(check: CardChecker, card: Json): void {
  const names = card.featureNames;
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string' || name === '')) {
    check.fail('featureNames', 'must be an array of non-empty strings');
    return;
  }
  if (new Set(names).size !== names.length) check.fail('featureNames', 'must not repeat a name');
  // The `features` input's last axis is the number of features, in featureNames' order.
  const features = Array.isArray(card.inputs)
    ? card.inputs.find((tensor: unknown) => isObject(tensor) && tensor.name === 'features')
    : undefined;
  const shape = isObject(features) && Array.isArray(features.shape) ? features.shape : undefined;
  const width = shape?.[shape.length - 1];
  if (typeof width === 'number' && width > 0 && names.length !== width)
    check.fail('featureNames', `has ${names.length} names but input 'features' has ${width} columns`);
}

function checkMetrics(check: CardChecker, metrics: unknown): void {
  if (!check.object(metrics, 'metrics')) return;
  if (check.object(metrics.test, 'metrics.test')) {
    const test = metrics.test;
    for (const key of ['accuracy', 'sensitivity', 'specificity', 'auc'])
      check.number(test[key], `metrics.test.${key}`, 0, 1);
    const ci = test.aucCi95;
    if (!Array.isArray(ci) || ci.length !== 2) check.fail('metrics.test.aucCi95', 'must be [lower, upper]');
    else if (
      check.number(ci[0], 'metrics.test.aucCi95[0]', 0, 1) &&
      check.number(ci[1], 'metrics.test.aucCi95[1]', 0, 1) &&
      ci[0] > ci[1]
    )
      check.fail('metrics.test.aucCi95', 'lower bound exceeds upper bound');
    check.number(test.n, 'metrics.test.n', 0, Number.MAX_SAFE_INTEGER, true);
  }
  if (check.object(metrics.cv, 'metrics.cv')) {
    check.number(metrics.cv.folds, 'metrics.cv.folds', 0, Number.MAX_SAFE_INTEGER, true);
    check.number(metrics.cv.accuracyMean, 'metrics.cv.accuracyMean', 0, 1);
    check.number(metrics.cv.accuracyStd, 'metrics.cv.accuracyStd', 0, 1);
  }
  if (metrics.extra !== undefined && check.object(metrics.extra, 'metrics.extra'))
    check.jsonSafe(metrics.extra, 'metrics.extra');
}

function checkTrainingData(check: CardChecker, data: unknown): void {
  if (!check.object(data, 'trainingData')) return;
  check.string(data.sha256, 'trainingData.sha256', SHA256_HEX, '64 lowercase hex digits');
  const rowsOk = check.number(data.rows, 'trainingData.rows', 0, Number.MAX_SAFE_INTEGER, true);
  const rows = rowsOk ? (data.rows as number) : Number.MAX_SAFE_INTEGER;
  check.number(data.positives, 'trainingData.positives', 0, rows, true);
  check.string(data.source, 'trainingData.source');
}

/**
 * Check that a value (typically `JSON.parse` of card.json) is a complete, consistent ModelCard.
 *
 * Parameters: `value` — the candidate card.
 * Returns the same object typed as ModelCard. Fields beyond the contract are allowed and kept (the
 * contract grows additively; an older reader must not refuse a newer card).
 * Raises ModelRepositoryError INVALID_CARD whose `problems` list every broken rule, each with its JSON
 * path. Rules: name = `<task>-<family>-<scenario>` (task lowercase words with hyphens, family and scenario
 * one lowercase word); version a positive integer; inputs/outputs non-empty, unique names, datatype
 * FP32|INT64|INT32|UINT8, shape of -1 or positive integers; featureSchemaHash, onnxSha256 and
 * trainingData.sha256 64 lowercase hex digits; featureNames unique strings, as many as the `features`
 * input has columns; rows/positives/n/folds non-negative integers with positives ≤ rows; accuracy,
 * sensitivity, specificity, auc, CI bounds (lower ≤ upper), CV mean and std in [0, 1]; hyperparameters an
 * object of JSON-storable values; createdAt ISO 8601 with a zone; codeCommit a hex commit id (optionally
 * `-dirty`) or 'unknown'; runId a non-empty string without path separators.
 */
export function validateCard(value: unknown): ModelCard {
  const check = new CardChecker();
  if (!isObject(value)) throw new ModelRepositoryError('INVALID_CARD', 'card must be a JSON object');
  const card = value;
  const taskOk = check.string(card.task, 'task', TASK, 'lowercase words joined by hyphens');
  const familyOk = check.string(card.family, 'family', WORD, 'one lowercase word');
  const scenarioOk = check.string(card.scenario, 'scenario', WORD, 'one lowercase word');
  if (check.string(card.name, 'name') && taskOk && familyOk && scenarioOk) {
    const expected = `${card.task}-${card.family}-${card.scenario}`;
    if (card.name !== expected)
      check.fail('name', `'${card.name}' must be '${expected}' (task-family-scenario)`);
  }
  check.number(card.version, 'version', 1, Number.MAX_SAFE_INTEGER, true);
  checkTensors(check, card.inputs, 'inputs');
  checkTensors(check, card.outputs, 'outputs');
  check.string(card.featureSchemaHash, 'featureSchemaHash', SHA256_HEX, '64 lowercase hex digits');
  checkFeatureNames(check, card);
  check.string(card.onnxSha256, 'onnxSha256', SHA256_HEX, '64 lowercase hex digits');
  checkTrainingData(check, card.trainingData);
  if (check.object(card.hyperparameters, 'hyperparameters'))
    check.jsonSafe(card.hyperparameters, 'hyperparameters');
  checkMetrics(check, card.metrics);
  if (card.preprocessing !== undefined) check.string(card.preprocessing, 'preprocessing');
  if (
    check.string(card.createdAt, 'createdAt', ISO_8601, 'an ISO 8601 time with a zone') &&
    !isRealTime(card.createdAt)
  )
    check.fail('createdAt', `'${card.createdAt}' is not a real date and time`);
  check.string(card.codeCommit, 'codeCommit', CODE_COMMIT, "a hex commit id or 'unknown'");
  if (check.string(card.runId, 'runId') && /[/\\]|^\.\.?$/.test(card.runId))
    check.fail('runId', 'must not contain path separators or be . or ..');
  if (check.problems.length > 0)
    throw new ModelRepositoryError('INVALID_CARD', 'model card breaks the contract', check.problems);
  return card as unknown as ModelCard;
}
