/** Options of a {@link ProgressBar}. */
export interface ProgressBarOptions {
  readonly total: number;
  readonly label?: string;
  /** Where to draw (default process.stderr). Nothing is drawn when it is not a TTY, unless `force`. */
  readonly stream?: NodeJS.WriteStream;
  readonly force?: boolean;
  /** Unit shown after the rate, e.g. `samples` or `B`. */
  readonly unit?: string;
  /** Minimum ms between redraws (default 100). */
  readonly throttleMs?: number;
}

function formatCount(n: number, unit: string): string {
  if (unit === 'B') {
    if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
    if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
    return `${n} B`;
  }
  return String(Math.round(n));
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  const sec = Math.floor(s % 60);
  return `${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/**
 * A one-line terminal progress bar (`label [#####.....] 50% 300/600 120 samples/s eta 00:02 loss 0.31`).
 * It draws only on a TTY, so piped output and `--json` stay clean.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar({ total: 100, label: 'epoch 1' });
 * for (let i = 0; i < 100; i++) bar.tick(1, { loss: '0.5' });
 * bar.done();
 * ```
 */
export class ProgressBar {
  private current = 0;
  private readonly started = Date.now();
  private lastDraw = 0;
  private info: Record<string, string> = {};
  private readonly stream: NodeJS.WriteStream;
  private readonly enabled: boolean;

  constructor(private readonly options: ProgressBarOptions) {
    this.stream = options.stream ?? process.stderr;
    this.enabled = options.force === true || Boolean(this.stream.isTTY);
  }

  get value(): number {
    return this.current;
  }

  tick(amount = 1, info?: Record<string, string>): void {
    this.update(this.current + amount, info);
  }

  update(value: number, info?: Record<string, string>): void {
    this.current = value;
    if (info) this.info = { ...this.info, ...info };
    const now = Date.now();
    if (now - this.lastDraw >= (this.options.throttleMs ?? 100) || value >= this.options.total) {
      this.lastDraw = now;
      this.draw();
    }
  }

  /** The line as it would be drawn (also used by tests). */
  render(): string {
    const { total, label = '', unit = '' } = this.options;
    const frac = total > 0 ? Math.min(1, this.current / total) : 0;
    const width = 24;
    const filled = Math.round(frac * width);
    const elapsed = (Date.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.current / elapsed : 0;
    const eta = rate > 0 ? (total - this.current) / rate : Number.POSITIVE_INFINITY;
    const extra = Object.entries(this.info)
      .map(([k, v]) => `${k} ${v}`)
      .join(' ');
    return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${formatCount(this.current, unit)}/${formatCount(total, unit)} ${formatCount(rate, unit)}${unit && unit !== 'B' ? ` ${unit}` : ''}/s eta ${formatSeconds(eta)}${extra ? ` ${extra}` : ''}`.trim();
  }

  private draw(): void {
    if (!this.enabled) return;
    const columns = this.stream.columns ?? 120;
    this.stream.write(`\r${this.render().slice(0, columns - 1)}\x1b[K`);
  }

  /** Finish the line. */
  done(): void {
    if (!this.enabled) return;
    this.draw();
    this.stream.write('\n');
  }
}
