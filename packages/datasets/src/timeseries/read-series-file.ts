import { promises as fs } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SpikeflowError } from '@spikeflow/core';

/** How a series file is laid out. */
export interface SeriesFileLayout {
  /** The first line names the columns (ETT's `date,HUFL,...,OT`). */
  readonly header: boolean;
  /** The first column is a timestamp, not a variable (ETT's `date`); it is skipped. */
  readonly dateColumn: boolean;
}

/** A multivariate series read from a file: `rows × columns` float64 values, row-major. */
export interface SeriesTable {
  readonly file: string;
  /** Variable names: the header's, or `0`, `1`, ... without a header. */
  readonly columns: readonly string[];
  readonly rows: number;
  readonly values: Float64Array;
}

// A plain decimal number; Number() alone would accept '', ' ', '0x1f' and 'Infinity'.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Read a comma-separated multivariate series (`.csv` or `.txt`, gzip-compressed when it starts with
 * the gzip magic). Every row must have the header's number of cells and every variable cell must be
 * a decimal number; otherwise a `dataset-corrupt` SpikeflowError names the file, line and column.
 *
 * @example
 * ```ts
 * const t = await readSeriesFile('ETTh1.csv', { header: true, dateColumn: true });
 * t.columns; // ['HUFL', 'HULL', 'MUFL', 'MULL', 'LUFL', 'LULL', 'OT']
 * ```
 * @throws SpikeflowError `dataset-missing` when the file cannot be read (naming the path).
 */
export async function readSeriesFile(file: string, layout: SeriesFileLayout): Promise<SeriesTable> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    throw new SpikeflowError('dataset-missing', `cannot read series file ${file}: ${(e as Error).message}`, { file }, { cause: e });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (e) {
      throw new SpikeflowError('dataset-corrupt', `series file ${file} starts like gzip but does not inflate: ${(e as Error).message}`, { file }, { cause: e });
    }
  }
  return parseSeries(bytes.toString('utf8'), file, layout);
}

/** Parse the text of a series file (see {@link readSeriesFile}); `file` names it in errors. */
export function parseSeries(text: string, file: string, layout: SeriesFileLayout): SeriesTable {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const first = layout.header ? 1 : 0;
  if (lines.length <= first) throw new SpikeflowError('dataset-corrupt', `series file ${file} has no data rows`, { file });
  const skip = layout.dateColumn ? 1 : 0;
  const width = lines[0]!.split(',').length;
  if (width <= skip)
    throw new SpikeflowError('dataset-corrupt', `series file ${file}: line 1 has ${width} column(s); expected at least one variable${skip ? ' after the date' : ''}`, {
      file,
      line: 1,
    });
  const names = layout.header
    ? lines[0]!
        .split(',')
        .slice(skip)
        .map((s) => s.trim())
    : Array.from({ length: width - skip }, (_, j) => String(j));
  const columns = names.length;
  const rows = lines.length - first;
  const values = new Float64Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    const lineNo = r + first + 1;
    const cells = lines[r + first]!.split(',');
    if (cells.length !== width) {
      throw new SpikeflowError('dataset-corrupt', `series file ${file}: line ${lineNo} has ${cells.length} cell(s); expected ${width} like line 1`, { file, line: lineNo });
    }
    for (let j = 0; j < columns; j++) {
      const cell = cells[j + skip]!.trim();
      if (!DECIMAL.test(cell)) {
        throw new SpikeflowError(
          'dataset-corrupt',
          `series file ${file}: line ${lineNo}, column ${j + skip + 1} (${layout.header ? `'${names[j]}'` : `variable ${j}`}) is ${JSON.stringify(cell)}; expected a decimal number`,
          { file, line: lineNo, column: j + skip + 1 },
        );
      }
      values[r * columns + j] = Number(cell);
    }
  }
  return { file, columns: names, rows, values };
}
