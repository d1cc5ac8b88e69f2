/**
 * Renders PHANTOM_PARAMETERS as the Markdown tables of README.md, so the documentation is generated
 * from the constant the code uses (a test compares the README with this output).
 */
import { PHANTOM_PARAMETERS } from './parameters';

type Scalar = string | number | boolean | null;
type Value = Scalar | readonly Value[] | { readonly [key: string]: Value };

/** Formats a number compactly: integers with thousands separators, others to 4 significant digits. */
function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value >= 10_000 ? value.toLocaleString('en-US') : String(value);
  return String(Number(value.toPrecision(4)));
}

function formatValue(value: Value): string {
  if (value === null) return '—';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    return value.length === 2 && value.every((v) => typeof v === 'number')
      ? `${formatNumber(value[0] as number)} – ${formatNumber(value[1] as number)}`
      : value.map((v) => formatValue(v)).join(', ');
  }
  return Object.entries(value as Record<string, Value>)
    .map(([k, v]) => `${k}: ${formatValue(v)}`)
    .join(', ');
}

function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** Rows are the keys of the inner records (in first-seen order), columns the outer keys. */
function crossTable(corner: string, data: Readonly<Record<string, Readonly<Record<string, Value>>>>): string {
  const columns = Object.keys(data);
  const rows: string[] = [];
  for (const c of columns) for (const r of Object.keys(data[c])) if (!rows.includes(r)) rows.push(r);
  return table(
    [corner, ...columns],
    rows.map((r) => [r, ...columns.map((c) => (r in data[c] ? formatValue(data[c][r]) : '—'))]),
  );
}

function keyValueTable(data: Readonly<Record<string, Value>>): string {
  return table(
    ['parameter', 'value'],
    Object.entries(data).map(([k, v]) => [k, formatValue(v)]),
  );
}

/**
 * The README's parameter section.
 *
 * @returns Markdown (headings level 3, tables), ending with a newline.
 */
export function parameterTablesMarkdown(): string {
  const p = PHANTOM_PARAMETERS;
  const { densityOffset, ...tissue } = p.tissue;
  const { attenuation, diameterMm, count, ...mcScalars } = p.mc;
  const { axisRatio, marginBlurMm, ...massScalars } = p.mass;
  const w = p.cohorts.wang2016;
  const d = p.cohorts.dcisIdc;
  const sections: [string, string][] = [
    ['Image sizes', crossTable('size', p.sizes as unknown as Record<string, Record<string, Value>>)],
    [
      'Vendor profiles (detector and processing)',
      crossTable('parameter', p.vendors as unknown as Record<string, Record<string, Value>>),
    ],
    ['Tissue (signal units)', keyValueTable(tissue as unknown as Record<string, Value>)],
    ['Density offset of the glandular logistic, by BI-RADS composition', keyValueTable(densityOffset)],
    [
      'Breast outline and pectoral muscle (fractions of the image)',
      keyValueTable(p.breast as unknown as Record<string, Value>),
    ],
    [
      'Microcalcification morphologies',
      crossTable('morphology', {
        attenuation,
        'diameter mm (log-uniform)': diameterMm as unknown as Record<string, Value>,
      } as unknown as Record<string, Record<string, Value>>),
    ],
    [
      'MC count per distribution (benign; malignant × malignantCountFactor)',
      keyValueTable(count as unknown as Record<string, Value>),
    ],
    ['Microcalcification rendering and layout', keyValueTable(mcScalars as unknown as Record<string, Value>)],
    [
      'Mass shapes and margins',
      crossTable('shape / margin', {
        'axis ratio': axisRatio,
        'margin blur σ mm': marginBlurMm,
      } as unknown as Record<string, Record<string, Value>>),
    ],
    ['Mass rendering', keyValueTable(massScalars as unknown as Record<string, Value>)],
    ['P(MC morphology | class)', crossTable('morphology', p.lesion.morphology)],
    ['P(MC distribution | class)', crossTable('distribution', p.lesion.distribution)],
    ['P(mass shape | class)', crossTable('shape', p.lesion.massShape)],
    ['P(mass margin | class)', crossTable('margin', p.lesion.massMargin)],
    [
      'Mass equivalent diameter | class (log-normal, clipped to 5–30 mm)',
      crossTable('', p.lesion.massDiameterMm as unknown as Record<string, Record<string, Value>>),
    ],
    [
      'Age | class (normal, clipped to 25–90, rounded)',
      crossTable('', p.clinical.age as unknown as Record<string, Record<string, Value>>),
    ],
    ['P(BI-RADS | class)', crossTable('BI-RADS', p.clinical.birads)],
    ['P(breast composition | age)', crossTable('density', p.clinical.density)],
    [
      'Other clinical draws',
      keyValueTable({
        beta: p.clinical.beta,
        view: 'CC / MLO 50 : 50',
        laterality: 'L / R 50 : 50',
      } as unknown as Record<string, Value>),
    ],
    [
      'wang2016 cohort: counts per split (Wang 2016)',
      table(
        ['split', 'size', 'benign', 'malignant', 'MC only', 'mass only', 'MC + mass'],
        (['train', 'test'] as const).map((s) => {
          const t = w.splits[s];
          return [
            s,
            t.size,
            t.labels.benign,
            t.labels.malignant,
            t.lesionTypes.mc,
            t.lesionTypes.mass,
            t.lesionTypes['mc+mass'],
          ].map((v) => formatValue(v));
        }),
      ),
    ],
    [
      'wang2016 cohort: training subtypes (test subtypes: same proportions, largest remainder)',
      crossTable('subtype', w.splits.train.subtypes as unknown as Record<string, Record<string, Value>>),
    ],
    [
      'wang2016 cohort: affinity of subtype for lesion type (joint table fitted to the exact margins)',
      table(
        ['subtype', 'mc', 'mass', 'mc+mass'],
        Object.entries(w.lesionAffinity).map(([k, v]) => [
          k,
          formatValue(v.mc),
          formatValue(v.mass),
          formatValue(v['mc+mass']),
        ]),
      ),
    ],
    ['wang2016 cohort: vendors', keyValueTable(w.vendors)],
    [
      'dcis-idc cohort (Xu 2025)',
      keyValueTable({
        patients: d.patients,
        classes: d.classes,
        'split shares (per class, largest remainder)': d.splits,
        'vendor per split': d.centres,
      } as unknown as Record<string, Value>),
    ],
    ['dcis-idc cohort: P(lesion type | class)', crossTable('lesion type', d.lesionType)],
    ['Without --cohort (mixed)', keyValueTable(p.cohorts.mixed as unknown as Record<string, Value>)],
  ];
  return `${sections.map(([title, body]) => `### ${title}\n\n${body}\n`).join('\n')}`;
}
