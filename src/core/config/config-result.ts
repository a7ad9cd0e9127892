/** A node's configuration resolved from what the editor stores, or every problem found in it. */
export type ConfigResult<T> = { ok: true; config: T } | { ok: false; problems: string[] };

// The router's bound on tracked streams holds for every node.
export { MAX_STREAMS_LIMIT } from '../routing/router-config';

/**
 * Reads editor fields (numbers may arrive as strings, '' means "use the default") and collects
 * a problem per bad field instead of stopping at the first, so the user sees them all at once.
 */
export class ConfigReader {
  readonly problems: string[] = [];

  private present(value: unknown): boolean {
    return value !== undefined && value !== null && value !== '';
  }

  private numeric(value: unknown, label: string): number | undefined {
    const n = typeof value === 'string' ? Number(value.trim()) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      this.problems.push(`${label} must be a number, got "${String(value)}"`);
      return undefined;
    }
    return n;
  }

  /** A number in [min, max], or `fallback` when the field is empty. */
  number(value: unknown, fallback: number, label: string, min = -Infinity, max = Infinity): number {
    if (!this.present(value)) return fallback;
    const n = this.numeric(value, label);
    if (n === undefined) return fallback;
    if (n < min || n > max) {
      this.problems.push(`${label} must be ${rangeText(min, max)}, got ${n}`);
      return fallback;
    }
    return n;
  }

  /** A whole number in [min, max]: fractions are refused, not rounded, as the editor's validators refuse them. */
  integer(value: unknown, fallback: number, label: string, min = -Infinity, max = Infinity): number {
    if (!this.present(value)) return fallback;
    const n = this.numeric(value, label);
    if (n === undefined) return fallback;
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`${label} must be a whole number ${rangeText(min, max)}, got ${n}`);
      return fallback;
    }
    return n;
  }

  /** One of `choices`, or `fallback` when the field is empty. */
  oneOf<T extends string>(value: unknown, choices: readonly T[], fallback: T, label: string): T {
    if (!this.present(value)) return fallback;
    if (!choices.includes(value as T)) {
      this.problems.push(`${label} must be one of ${choices.join(', ')}, got "${String(value)}"`);
      return fallback;
    }
    return value as T;
  }

  /** Runs a check that throws (e.g. a core constructor's own validation) and keeps its message as a problem. */
  attempt<T>(check: () => T, fallback: T): T {
    try {
      return check();
    } catch (err) {
      this.problems.push(err instanceof Error ? err.message : String(err));
      return fallback;
    }
  }

  result<T>(config: T): ConfigResult<T> {
    return this.problems.length ? { ok: false, problems: [...this.problems] } : { ok: true, config };
  }
}

function rangeText(min: number, max: number): string {
  if (max === Infinity) return `>= ${min}`;
  if (min === -Infinity) return `<= ${max}`;
  return `from ${min} to ${max}`;
}
