/**
 * The training manifest: one image per row, `id,dicom|png,label,...,split` (the phantom manifest layout),
 * validated in full before any image is touched.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { mapLimit } from './concurrency';
import { parseCsv } from './csv';
import { DatasetError, type DatasetProblem } from './errors';
import { NEGATIVE_CLASS, POSITIVE_CLASS, parseManifestLabel, type Task } from './labels';
import { type ManifestRegion, type RegionUnits, truthRegion } from './region';

/** Dataset split of a row; 'none' (empty cell, 'none' or no split column) leaves the choice to training. */
export type DatasetSplit = 'train' | 'test' | 'internal' | 'external' | 'none';

export const DATASET_SPLITS: readonly DatasetSplit[] = ['train', 'test', 'internal', 'external', 'none'];

/** The columns holding a region of interest; all four or none. */
export const ROI_COLUMNS = ['roi_x', 'roi_y', 'roi_w', 'roi_h'] as const;

/** One validated manifest row. */
export interface ManifestEntry {
  /** Line number of the row in the manifest (header = 1). */
  readonly row: number;
  readonly id: string;
  /** Absolute path of the image analysed: the `dicom` file when the row names one, else the `png` file. */
  readonly imagePath: string;
  readonly imageColumn: 'dicom' | 'png';
  readonly task: Task;
  /** 1 = positive class (malignant, IDC). */
  readonly y: 0 | 1;
  /** Canonical label: 'benign', 'malignant', 'DCIS' or 'IDC'. */
  readonly labelName: string;
  readonly split: DatasetSplit;
  /** Where the labelled lesion is: ROI columns, else the truth file; null when neither says. */
  readonly region: ManifestRegion | null;
  /** Absolute path of the truth file, when the row names one. */
  readonly truthPath: string | null;
  /** Every cell of the row by header name, as written (subtype, age, view, ...). */
  readonly columns: Readonly<Record<string, string>>;
}

/** A validated manifest. */
export interface Manifest {
  /** Absolute path of the manifest file. */
  readonly path: string;
  readonly task: Task;
  readonly positiveClass: string;
  readonly negativeClass: string;
  /** Header names in file order. */
  readonly columns: readonly string[];
  readonly rows: readonly ManifestEntry[];
}

export interface ReadManifestOptions {
  /**
   * The column holding the class (default 'label'). The dcis-idc phantom cohort labels every row
   * 'malignant' and keeps DCIS/IDC in 'subtype': read it with labelColumn 'subtype'.
   */
  readonly labelColumn?: string;
  /**
   * Units of the ROI columns for rows whose `roi_units` cell is empty or absent (the CLI's --roi-units).
   * A non-empty `roi_units` cell ('mm' or 'px') always wins for its row. Without either, a row with ROI
   * numbers is a problem.
   */
  readonly roiUnits?: RegionUnits;
}

/** Files checked at once while validating (stat and truth reads). */
const FILE_CONCURRENCY = 16;

interface PendingRow {
  readonly row: number;
  readonly cells: Record<string, string>;
  readonly imageColumn: 'dicom' | 'png' | null;
  readonly label: ReturnType<typeof parseManifestLabel>;
  readonly split: DatasetSplit;
  readonly roi: ManifestRegion | null;
}

/**
 * Reads and validates a training manifest (CSV with a header row, RFC 4180 quoting).
 *
 * Columns
 * -------
 * id : unique, non-empty.
 * dicom, png : image paths relative to the manifest's folder (absolute paths are kept); at least one
 *   column must exist and each row must fill one; the DICOM file is used when both are named.
 * label (or options.labelColumn) : benign | malignant | 0 | 1 (task 'malignancy') or DCIS | IDC (task
 *   'dcis-idc'), any case. The manifest's task is the one most rows name (ties: 'malignancy'); rows of
 *   the other task are problems, and so is a manifest whose rows are all of one class.
 * truth (optional) : phantom truth JSON; its lesion boxes give the row's region.
 * roi_x, roi_y, roi_w, roi_h (optional, all four or none) : the lesion's rectangle, x/y of its top-left
 *   corner ≥ 0 and width/height > 0, in the units of `roi_units` (mm | px) or else options.roiUnits. The
 *   ROI, when a row fills it, wins over the truth file.
 * split (optional) : train | test | internal | external | none | empty (→ 'none').
 * Other columns are kept in `columns`.
 *
 * Validation collects every problem before returning: missing required columns, wrong field count, empty
 * or duplicate id, unknown label or task mismatch, no image named, any named file (dicom, png, truth)
 * missing, unreadable truth JSON, bad split, partial or non-numeric or negative ROI, unknown ROI units.
 *
 * Parameters
 * ----------
 * path : manifest CSV path.
 * options : labelColumn, roiUnits.
 *
 * Returns the manifest with absolute paths.
 *
 * Raises DatasetError INVALID_MANIFEST with every problem (row = line number) when anything is wrong,
 * including an unreadable or empty file.
 */
export async function readManifest(path: string, options: ReadManifestOptions = {}): Promise<Manifest> {
  const manifestPath = resolve(path);
  const folder = dirname(manifestPath);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (error) {
    throw new DatasetError(
      'INVALID_MANIFEST',
      `cannot read manifest ${manifestPath}: ${errorMessage(error)}`,
    );
  }
  const { records, problems } = parseCsv(text);
  if (records.length === 0) throw new DatasetError('INVALID_MANIFEST', `manifest ${manifestPath} is empty`);
  const header = records[0].fields.map((name) => name.trim());
  const labelColumn = options.labelColumn ?? 'label';
  const headerProblems = checkHeader(header, labelColumn);
  if (headerProblems.length > 0) {
    throw new DatasetError('INVALID_MANIFEST', `manifest ${manifestPath}: bad header`, [
      ...problems,
      ...headerProblems,
    ]);
  }
  if (records.length === 1) {
    throw new DatasetError('INVALID_MANIFEST', `manifest ${manifestPath} has no data rows`, [
      { row: 0, message: 'no data rows below the header' },
    ]);
  }

  // Pass 1: everything that needs no file system.
  const pending: PendingRow[] = [];
  const firstRowOfId = new Map<string, number>();
  for (const record of records.slice(1)) {
    const row = record.line;
    if (record.fields.length !== header.length) {
      problems.push({
        row,
        message: `${record.fields.length} fields, the header has ${header.length}`,
      });
      continue;
    }
    const cells: Record<string, string> = {};
    header.forEach((name, k) => {
      cells[name] = record.fields[k];
    });
    const rowProblems: DatasetProblem[] = [];
    const id = cells.id.trim();
    if (id === '') rowProblems.push({ row, column: 'id', message: 'empty id' });
    else if (firstRowOfId.has(id)) {
      rowProblems.push({
        row,
        column: 'id',
        message: `duplicate id '${id}' (first on row ${firstRowOfId.get(id)})`,
      });
    } else firstRowOfId.set(id, row);

    const label = parseManifestLabel(cells[labelColumn]);
    if (!label) {
      rowProblems.push({
        row,
        column: labelColumn,
        message: `unknown label '${cells[labelColumn]}' (benign, malignant, 0, 1, DCIS or IDC)`,
      });
    }
    const imageColumn = (cells.dicom ?? '').trim() ? 'dicom' : (cells.png ?? '').trim() ? 'png' : null;
    if (!imageColumn) rowProblems.push({ row, message: 'no image: fill the dicom or the png column' });
    const split = parseSplit(cells.split ?? '');
    if (!split) {
      rowProblems.push({
        row,
        column: 'split',
        message: `unknown split '${cells.split}' (train, test, internal, external, none or empty)`,
      });
    }
    const roi = parseRoi(cells, row, options.roiUnits, rowProblems);
    problems.push(...rowProblems);
    // Rows with problems stay for the file checks too, so one run reports everything.
    pending.push({ row, cells: { ...cells, id }, imageColumn, label, split: split ?? 'none', roi });
  }

  // The task most rows name; rows naming the other task are problems.
  let dcisIdcVotes = 0;
  let malignancyVotes = 0;
  for (const p of pending) {
    if (p.label?.task === 'dcis-idc') dcisIdcVotes++;
    else if (p.label) malignancyVotes++;
  }
  const task: Task = dcisIdcVotes > malignancyVotes ? 'dcis-idc' : 'malignancy';
  const classes = new Set(pending.filter((p) => p.label?.task === task).map((p) => p.label!.y));
  if (classes.size === 1) {
    const only = [...classes][0] === 1 ? POSITIVE_CLASS[task] : NEGATIVE_CLASS[task];
    problems.push({
      row: 0,
      column: labelColumn,
      message:
        `every labelled row is '${only}': a model needs both classes` +
        (labelColumn === 'subtype'
          ? ''
          : " (DCIS/IDC cohorts keep the class in 'subtype': use that label column)"),
    });
  }
  for (const p of pending) {
    if (p.label && p.label.task !== task) {
      problems.push({
        row: p.row,
        column: labelColumn,
        message: `label '${p.cells[labelColumn]}' belongs to task ${p.label.task}, most rows are ${task} (${NEGATIVE_CLASS[task]}/${POSITIVE_CLASS[task]})`,
      });
    }
  }

  // Pass 2: named files exist; truth files parse.
  const resolved = await mapLimit(pending, FILE_CONCURRENCY, async (p) => {
    const fileProblems: DatasetProblem[] = [];
    const paths: Partial<Record<'dicom' | 'png' | 'truth', string>> = {};
    for (const column of ['dicom', 'png', 'truth'] as const) {
      const cell = (p.cells[column] ?? '').trim();
      if (cell === '') continue;
      const file = isAbsolute(cell) ? cell : resolve(folder, cell);
      paths[column] = file;
      if (!(await isFile(file)))
        fileProblems.push({ row: p.row, column, message: `file not found: ${file}` });
    }
    let truth: ManifestRegion | null = null;
    if (paths.truth && fileProblems.every((f) => f.column !== 'truth')) {
      const parsed = await readTruthRegion(paths.truth);
      if (parsed.problem) fileProblems.push({ row: p.row, column: 'truth', message: parsed.problem });
      truth = parsed.region;
    }
    return { fileProblems, paths, truth };
  });
  resolved.forEach((r) => {
    problems.push(...r.fileProblems);
  });

  if (problems.length > 0) {
    problems.sort((a, b) => a.row - b.row);
    const rows = new Set(problems.map((p) => p.row)).size;
    throw new DatasetError(
      'INVALID_MANIFEST',
      `manifest ${manifestPath}: ${problems.length} problem(s) on ${rows} row(s); nothing was processed`,
      problems,
    );
  }
  const rows: ManifestEntry[] = pending.map((p, k) => {
    const { paths, truth } = resolved[k];
    const imageColumn = p.imageColumn!;
    return {
      row: p.row,
      id: p.cells.id,
      imagePath: paths[imageColumn]!,
      imageColumn,
      task,
      y: p.label!.y,
      labelName: p.label!.name,
      split: p.split,
      region: p.roi ?? truth,
      truthPath: paths.truth ?? null,
      columns: p.cells,
    };
  });
  return {
    path: manifestPath,
    task,
    positiveClass: POSITIVE_CLASS[task],
    negativeClass: NEGATIVE_CLASS[task],
    columns: header,
    rows,
  };
}

function checkHeader(header: readonly string[], labelColumn: string): DatasetProblem[] {
  const problems: DatasetProblem[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) problems.push({ row: 1, column: name, message: `column '${name}' appears twice` });
    seen.add(name);
  }
  for (const required of ['id', labelColumn]) {
    if (!seen.has(required)) problems.push({ row: 1, message: `required column '${required}' is missing` });
  }
  if (!seen.has('dicom') && !seen.has('png')) {
    problems.push({ row: 1, message: "no image column: the header needs 'dicom' or 'png'" });
  }
  const roiPresent = ROI_COLUMNS.filter((c) => seen.has(c));
  if (roiPresent.length > 0 && roiPresent.length < ROI_COLUMNS.length) {
    const missing = ROI_COLUMNS.filter((c) => !seen.has(c));
    problems.push({
      row: 1,
      message: `ROI columns need all of ${ROI_COLUMNS.join(', ')}; missing ${missing.join(', ')}`,
    });
  }
  return problems;
}

function parseSplit(cell: string): DatasetSplit | null {
  const value = cell.trim().toLowerCase();
  if (value === '') return 'none';
  return (DATASET_SPLITS as readonly string[]).includes(value) ? (value as DatasetSplit) : null;
}

/** The row's ROI, or null when its four cells are empty; problems are appended to `problems`. */
function parseRoi(
  cells: Readonly<Record<string, string>>,
  row: number,
  defaultUnits: RegionUnits | undefined,
  problems: DatasetProblem[],
): ManifestRegion | null {
  if (!(ROI_COLUMNS[0] in cells)) return null;
  const raw = ROI_COLUMNS.map((c) => cells[c].trim());
  if (raw.every((v) => v === '')) return null;
  const before = problems.length;
  const values = raw.map((v, k) => {
    const column = ROI_COLUMNS[k];
    const value = v === '' ? Number.NaN : Number(v);
    if (v === '') problems.push({ row, column, message: 'empty while other ROI cells are filled' });
    else if (!Number.isFinite(value))
      problems.push({ row, column, message: `'${v}' is not a finite number` });
    else if (k < 2 && value < 0) problems.push({ row, column, message: `${value} is negative` });
    else if (k >= 2 && value <= 0) problems.push({ row, column, message: `${value} is not positive` });
    return value;
  });
  const unitCell = (cells.roi_units ?? '').trim().toLowerCase();
  let units: RegionUnits | undefined = defaultUnits;
  if (unitCell === 'mm' || unitCell === 'px') units = unitCell;
  else if (unitCell !== '') {
    problems.push({ row, column: 'roi_units', message: `unknown ROI units '${cells.roi_units}' (mm or px)` });
  } else if (!units) {
    problems.push({
      row,
      column: 'roi_units',
      message: 'ROI given without units: add a roi_units column (mm or px) or pass --roi-units',
    });
  }
  if (problems.length > before || !units) return null;
  return { source: 'roi', units, x: values[0], y: values[1], width: values[2], height: values[3] };
}

async function readTruthRegion(path: string): Promise<ReturnType<typeof truthRegion>> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    return { region: null, problem: `truth file is not valid JSON: ${errorMessage(error)}` };
  }
  return truthRegion(json);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
