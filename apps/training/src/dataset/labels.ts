/**
 * What a manifest's `label` column may say, and which class is the positive one (y = 1, the model's
 * column 1 in the ONNX contract).
 */

/** 'malignancy': benign (0) vs malignant (1). 'dcis-idc': DCIS (0) vs IDC (1). */
export type Task = 'malignancy' | 'dcis-idc';

export const TASKS: readonly Task[] = ['malignancy', 'dcis-idc'];

/** The positive class (y = 1) of each task. */
export const POSITIVE_CLASS: Readonly<Record<Task, string>> = { malignancy: 'malignant', 'dcis-idc': 'IDC' };

/** The negative class (y = 0) of each task. */
export const NEGATIVE_CLASS: Readonly<Record<Task, string>> = { malignancy: 'benign', 'dcis-idc': 'DCIS' };

/** A recognised label: its task, class index and canonical name. */
export interface ParsedLabel {
  readonly task: Task;
  readonly y: 0 | 1;
  /** 'benign', 'malignant', 'DCIS' or 'IDC'. */
  readonly name: string;
}

const LABELS: ReadonlyMap<string, ParsedLabel> = new Map<string, ParsedLabel>([
  ['benign', { task: 'malignancy', y: 0, name: 'benign' }],
  ['0', { task: 'malignancy', y: 0, name: 'benign' }],
  ['malignant', { task: 'malignancy', y: 1, name: 'malignant' }],
  ['1', { task: 'malignancy', y: 1, name: 'malignant' }],
  ['dcis', { task: 'dcis-idc', y: 0, name: 'DCIS' }],
  ['idc', { task: 'dcis-idc', y: 1, name: 'IDC' }],
]);

/**
 * Reads a manifest label: benign | malignant | 0 | 1 (task 'malignancy', 1 = malignant) or DCIS | IDC
 * (task 'dcis-idc', 1 = IDC); surrounding spaces and letter case are ignored.
 *
 * Parameters
 * ----------
 * value : the cell as written.
 *
 * Returns the parsed label, or null when the value is none of these.
 */
export function parseManifestLabel(value: string): ParsedLabel | null {
  return LABELS.get(value.trim().toLowerCase()) ?? null;
}
