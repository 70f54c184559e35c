import type { EnergyReport } from './measure-energy.js';

/** 1234567 -> `1.23M`: counts span many orders of magnitude, three significant digits are enough. */
function count(n: number): string {
  const units: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, suffix] of units) if (Math.abs(n) >= scale) return `${Number((n / scale).toPrecision(3))}${suffix}`;
  return String(Number(n.toPrecision(4)));
}

/** pJ with an SI prefix that keeps the mantissa readable (pJ, nJ, µJ, mJ). */
function energy(pj: number): string {
  const units: Array<[number, string]> = [
    [1e9, 'mJ'],
    [1e6, 'µJ'],
    [1e3, 'nJ'],
  ];
  for (const [scale, unit] of units) if (Math.abs(pj) >= scale) return `${Number((pj / scale).toPrecision(4))} ${unit}`;
  return `${Number(pj.toPrecision(4))} pJ`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

/**
 * A text table of an {@link EnergyReport}: the formula and constants, one row per counted product
 * (input rate, MACs per step, SOPs, FLOPs, energy), the totals, the equivalent ANN's energy, and
 * the firing rate of every spiking layer. All figures are per sample.
 *
 * @example
 * ```ts
 * console.log(formatEnergyReport(measureEnergy(model, x, { timeSteps: 4 })));
 * ```
 */
export function formatEnergyReport(report: EnergyReport): string {
  const { timeSteps: T, eMacPj, eAcPj } = report;
  const out = [
    `Energy per sample, T = ${T}: the mean over the ${report.batchSize} sample${report.batchSize === 1 ? '' : 's'} measured`,
    `E = Σ FLOPs·E_MAC + Σ SOPs·E_AC, FLOPs = T·MACs for analog-fed layers, SOPs = rate·T·MACs for spike-fed layers`,
    `E_MAC = ${eMacPj} pJ, E_AC = ${eAcPj} pJ${eMacPj === 4.6 && eAcPj === 0.9 ? ' (45 nm, Horowitz 2014)' : ''}`,
    '',
    ...table(
      ['layer', 'kind', 'input rate', 'MACs/step', 'SOPs', 'FLOPs', 'energy'],
      [
        ...report.layers.map((r) => [
          r.name,
          r.kind,
          r.inputRate === 'analog' ? 'analog' : r.inputRate.toFixed(4),
          count(r.macs),
          count(r.sops),
          count(r.flops),
          energy(r.energyPj),
        ]),
        ['total', '', '', count(report.totalMacs), count(report.totalSops), count(report.totalFlops), energy(report.energyPj)],
      ],
    ),
    '',
    `Same layers as an ANN (one step, every product a MAC): ${energy(report.annEnergyPj)}` +
      (report.annEnergyPj > 0 ? `; SNN/ANN = ${(report.energyPj / report.annEnergyPj).toFixed(3)}` : ''),
  ];
  if (report.neurons.length) {
    out.push(
      '',
      ...table(
        ['spiking layer', 'neuron', 'firing rate', 'neurons'],
        report.neurons.map((n) => [n.name, n.kind, n.rate.toFixed(4), count(n.neurons)]),
      ),
    );
  }
  return out.join('\n');
}
