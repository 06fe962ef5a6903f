/**
 * Typed option parsers: each turns a flag's or environment variable's text into a value and
 * checks a value's bounds, so one table entry gives the option's type, parsing and validation.
 */

export type ParserKind = 'int' | 'bool' | 'list' | 'enum' | 'path' | 'text';

export interface Parser<T> {
  readonly kind: ParserKind;
  /** Text to value; throws a TypeError naming the flag. */
  parse(raw: string, flag: string): T;
  /** What is wrong with a value (parsed, or given in code), e.g. "must be at least 1"; undefined when fine. */
  check(value: T): string | undefined;
  /** The value as `--help` shows it. */
  show(value: T): string;
}

const bad = (flag: string, expected: string, raw: string): TypeError =>
  new TypeError(`${flag}: expected ${expected}, got "${raw}"`);

/** A non-negative integer within [min, max]. */
export function int({ min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {}): Parser<number> {
  return {
    kind: 'int',
    parse(raw, flag) {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0) throw bad(flag, 'a non-negative integer', raw);
      return n;
    },
    check(n) {
      if (!Number.isInteger(n)) return `must be an integer, got ${n}`;
      if (n < min) return `must be at least ${min}, got ${n}`;
      if (n > max) return `must be at most ${max}, got ${n}`;
      return undefined;
    },
    show: String,
  };
}

/** on/off, also true/false, yes/no, 1/0. */
export function bool(): Parser<boolean> {
  return {
    kind: 'bool',
    parse(raw, flag) {
      if (/^(1|true|on|yes)$/i.test(raw)) return true;
      if (/^(0|false|off|no)$/i.test(raw)) return false;
      throw bad(flag, 'on or off', raw);
    },
    check: (b) => (typeof b === 'boolean' ? undefined : 'must be true or false'),
    show: String,
  };
}

/** Comma-separated; blanks dropped. `empty` explains why an empty list is refused (omitted: allowed). */
export function list({ empty }: { empty?: string } = {}): Parser<string[]> {
  return {
    kind: 'list',
    parse: (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    check: (items) => (empty !== undefined && items.length === 0 ? empty : undefined),
    show: (items) => items.join(','),
  };
}

/** One of a fixed set of words. */
export function oneOf<const T extends string>(values: readonly T[]): Parser<T> {
  const allowed: ReadonlySet<string> = new Set(values);
  const expected = `one of ${values.join(', ')}`;
  return {
    kind: 'enum',
    parse(raw, flag) {
      if (!allowed.has(raw)) throw bad(flag, expected, raw);
      return raw as T;
    },
    check: (v) => (allowed.has(v) ? undefined : `must be ${expected}`),
    show: String,
  };
}

/** A file or directory; with `nullable`, `none` or an empty value means none. */
export function path(opts: { nullable: true }): Parser<string | null>;
export function path(opts?: { nullable?: false }): Parser<string>;
export function path({ nullable = false }: { nullable?: boolean } = {}): Parser<string | null> {
  // An empty path would resolve to the working directory; a NUL byte fails deep in fs.
  const problem = (p: string): string | undefined => (p === '' || p.includes('\0') ? 'must be a path' : undefined);
  return {
    kind: 'path',
    parse(raw, flag) {
      if (nullable && (raw === 'none' || raw === '')) return null;
      if (problem(raw)) throw bad(flag, 'a path', raw);
      return raw;
    },
    check: (p) => (p === null ? (nullable ? undefined : 'must be a path') : problem(p)),
    show: String,
  };
}

/** Free text; with `nullable`, `none` or an empty value means none. */
export function text(opts: { nullable: true; minLength?: number }): Parser<string | null>;
export function text(opts?: { nullable?: false; minLength?: number }): Parser<string>;
export function text({ nullable = false, minLength = 0 }: { nullable?: boolean; minLength?: number } = {}): Parser<
  string | null
> {
  return {
    kind: 'text',
    parse: (raw) => (nullable && (raw === 'none' || raw === '') ? null : raw),
    check(s) {
      if (s === null) return nullable ? undefined : 'must be set';
      return s.length < minLength ? `must have ${minLength} characters or more` : undefined;
    },
    show: String,
  };
}
