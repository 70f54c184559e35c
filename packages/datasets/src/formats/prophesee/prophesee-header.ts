import { readHeaderLines } from '../../events/header-lines.js';

/** A Prophesee `% key value` header. */
export interface PropheseeHeader {
  readonly fields: Readonly<Record<string, string>>;
  /** Byte offset just past the header. */
  readonly end: number;
  readonly fileSize: number;
  readonly width?: number;
  readonly height?: number;
  /** Which header field gave the size, for messages (e.g. `the header's plugin_name 'hal_plugin_gen3_fx3'`). */
  readonly sizeFrom?: string;
}

// Sensor sizes of the Prophesee generations, for headers that give only the plugin name.
const SENSOR_SIZES: readonly [RegExp, number, number][] = [
  [/gen41|imx636|imx646|gen4\b|_evk3|_evk4/i, 1280, 720],
  [/gen31?|vga/i, 640, 480],
  [/imx8|genx320/i, 320, 320],
];

/**
 * Read the header of a Prophesee `.raw` or `.dat` file: lines `% key value`, ended by `% end`
 * in newer files and by the first byte that is not `%` in older ones
 * (https://docs.prophesee.ai/stable/data/file_formats/raw.html). The size comes from `% format
 * EVTn;height=H;width=W`, `% geometry WxH`, `% Width`/`% Height` lines, or the sensor generation in
 * `plugin_name`.
 */
export async function readPropheseeHeader(file: string): Promise<PropheseeHeader> {
  const { lines, end, fileSize } = await readHeaderLines(file, '%', ['% end']);
  const fields: Record<string, string> = {};
  for (const line of lines) {
    const text = line.replace(/^%\s?/, '');
    const sp = text.indexOf(' ');
    if (sp > 0) fields[text.slice(0, sp)] = text.slice(sp + 1).trim();
    else if (text !== '' && text !== 'end') fields[text] = '';
  }
  let width: number | undefined;
  let height: number | undefined;
  let sizeFrom: string | undefined;
  const geometry = /^(\d+)x(\d+)$/.exec(fields['geometry'] ?? '');
  // Newer recordings say `% format EVT3;height=720;width=1280`.
  const fw = /width=(\d+)/.exec(fields['format'] ?? '');
  const fhgt = /height=(\d+)/.exec(fields['format'] ?? '');
  if (fw && fhgt) {
    width = Number(fw[1]);
    height = Number(fhgt[1]);
    sizeFrom = `the header's '% format ${fields['format']}' line`;
  } else if (geometry) {
    width = Number(geometry[1]);
    height = Number(geometry[2]);
    sizeFrom = `the header's '% geometry ${fields['geometry']}' line`;
  } else if (fields['Width'] !== undefined && fields['Height'] !== undefined) {
    width = Number(fields['Width']);
    height = Number(fields['Height']);
    sizeFrom = "the header's '% Width' and '% Height' lines";
  } else if (fields['plugin_name'] !== undefined) {
    const hit = SENSOR_SIZES.find(([re]) => re.test(fields['plugin_name']!));
    if (hit) {
      [, width, height] = hit;
      sizeFrom = `the header's plugin_name '${fields['plugin_name']}'`;
    }
  }
  // A size that is not a pair of positive integers says nothing about the sensor.
  const valid = (v: number | undefined): v is number => v !== undefined && Number.isInteger(v) && v > 0;
  if (!valid(width) || !valid(height)) return { fields, end, fileSize };
  return { fields, end, fileSize, width, height, sizeFrom };
}
