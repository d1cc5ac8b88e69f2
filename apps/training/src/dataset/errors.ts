/** One thing wrong with an input file, located as precisely as the input allows. */
export interface DatasetProblem {
  /**
   * 1-based line number in the file where the offending record starts (the header is line 1, so the
   * first data record is row 2: what an editor and a spreadsheet both show). 0 for the file as a whole.
   */
  readonly row: number;
  /** The column (header name) the problem is in, when it is in one. */
  readonly column?: string;
  readonly message: string;
}

/** Why a dataset input was refused. */
export type DatasetErrorCode =
  /** The manifest file is unreadable, lacks required columns, or has bad rows (see `problems`). */
  | 'INVALID_MANIFEST'
  /** A feature table CSV is unreadable or has bad cells, columns or labels (see `problems`). */
  | 'INVALID_TABLE'
  /** A SPLIT.json is unreadable or its indices are not two disjoint in-range sets (see `problems`). */
  | 'INVALID_SPLIT'
  /** A labelled lesion has a missing, NaN or infinite feature value (see `problems`). */
  | 'INVALID_FEATURES'
  /** A caller passed an option outside its domain (worker count, n, seed, units...). */
  | 'INVALID_OPTION';

/**
 * Thrown for bad dataset input before any work starts. `problems` lists every problem found (all bad
 * rows, not only the first), each with its row number; `message` summarises the first few.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly code: DatasetErrorCode;
  readonly problems: readonly DatasetProblem[];

  constructor(code: DatasetErrorCode, summary: string, problems: readonly DatasetProblem[] = []) {
    super(problems.length > 0 ? `${summary}\n${formatProblems(problems)}` : summary);
    this.code = code;
    this.problems = problems;
  }
}

/** How many problems `formatProblems` spells out before it says how many more there are. */
const PROBLEMS_SHOWN = 20;

/**
 * Formats problems one per line, "row 7, column label: unknown label 'maybe'", at most `limit` of them
 * followed by "… and N more".
 */
export function formatProblems(problems: readonly DatasetProblem[], limit: number = PROBLEMS_SHOWN): string {
  const lines = problems.slice(0, limit).map((p) => {
    const where = p.row > 0 ? `row ${p.row}` : 'file';
    return `  ${where}${p.column ? `, column ${p.column}` : ''}: ${p.message}`;
  });
  if (problems.length > limit) lines.push(`  … and ${problems.length - limit} more`);
  return lines.join('\n');
}
