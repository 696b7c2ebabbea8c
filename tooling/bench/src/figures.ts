/** The figures of a run: value, unit, target and verdict; written to JSON and printed as a table. */

export type Target = { readonly op: '>=' | '<='; readonly value: number } | 'reference';

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target: Target;
  readonly pass: boolean | null;
  readonly note?: string;
}

export class Figures {
  readonly #figures = new Map<string, Figure>();

  add(name: string, value: number, unit: string, target: Target, note?: string): Figure {
    const pass = target === 'reference' ? null : target.op === '>=' ? value >= target.value : value <= target.value;
    const figure: Figure = { name, value: Number(value.toFixed(value >= 100 ? 0 : 2)), unit, target, pass, ...(note ? { note } : {}) };
    this.#figures.set(name, figure);
    return figure;
  }

  get(name: string): Figure | undefined {
    return this.#figures.get(name);
  }

  all(): Figure[] {
    return [...this.#figures.values()];
  }

  table(): string {
    const rows = this.all().map((f) => [f.name, `${f.value} ${f.unit}`, f.target === 'reference' ? 'reference' : `${f.target.op} ${f.target.value}`, f.pass === null ? '' : f.pass ? 'pass' : 'MISS', f.note ?? '']);
    const head = ['figure', 'value', 'target', '', 'note'];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
  }
}

/** The p-th percentile (0-100) of some samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
