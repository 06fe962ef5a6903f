/**
 * Server options: defaults, overridden by environment variables, then by CLI flags, then by code.
 * Everything here is derived from the table in options/table.ts, where each option is declared once.
 */
import type { Parser, ParserKind } from './options/parsers.ts';
import { CROSS_RULES, OPTIONS, type OptionDef, type OptionValues } from './options/table.ts';

export type ServerOptions = OptionValues;

export interface OptionSpec {
  readonly key: keyof ServerOptions;
  readonly flag: string;
  readonly env: string;
  readonly kind: ParserKind;
  readonly help: string;
  /** Redacted from the start-up log. */
  readonly secret: boolean;
  readonly default: unknown;
  readonly parser: Parser<unknown>;
}

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export const OPTION_SPECS: readonly OptionSpec[] = (
  Object.entries(OPTIONS) as [keyof ServerOptions, OptionDef<unknown>][]
).map(([key, def]) => ({
  key,
  flag: `--${kebab(key)}`,
  env: `PARLEY_${kebab(key).replaceAll('-', '_').toUpperCase()}`,
  kind: def.parser.kind,
  help: def.help,
  secret: def.secret,
  default: def.default,
  parser: def.parser,
}));

export const DEFAULTS: Readonly<ServerOptions> = Object.freeze(
  Object.fromEntries(OPTION_SPECS.map((s) => [s.key, s.default])) as ServerOptions,
);

const BY_FLAG: ReadonlyMap<string, OptionSpec> = new Map(OPTION_SPECS.map((s) => [s.flag, s]));

/** Merge defaults, environment and `--flag value` / `--flag=value` arguments; throws TypeError on bad input. */
export function resolveOptions(
  argv: readonly string[] = [],
  env: Readonly<Record<string, string | undefined>> = {},
  overrides: Partial<ServerOptions> = {},
): ServerOptions {
  // Lists are copied so a caller's changes never reach DEFAULTS.
  const out: Record<string, unknown> = Object.fromEntries(
    OPTION_SPECS.map((s) => [s.key, Array.isArray(s.default) ? [...(s.default as unknown[])] : s.default]),
  );
  for (const spec of OPTION_SPECS) {
    const raw = env[spec.env];
    if (raw !== undefined) out[spec.key] = spec.parser.parse(raw, spec.flag);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const [flag, inline] = eq >= 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    const spec = BY_FLAG.get(flag);
    if (!spec) throw new TypeError(`unknown option ${arg} (see --help)`);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new TypeError(`${flag} needs a value`);
    out[spec.key] = spec.parser.parse(value, spec.flag);
  }
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) out[key] = value;
  const options = out as ServerOptions;
  validate(options);
  return options;
}

function validate(o: ServerOptions): void {
  for (const spec of OPTION_SPECS) {
    const problem = spec.parser.check(o[spec.key]);
    if (problem !== undefined) throw new TypeError(`${spec.key} (${spec.flag}) ${problem}`);
  }
  for (const rule of CROSS_RULES) {
    const problem = rule(o);
    if (problem !== undefined) throw new TypeError(problem);
  }
}

export function helpText(): string {
  const lines = OPTION_SPECS.map(
    (s) => `  ${(s.flag + ' <v>').padEnd(26)} ${s.help} (env ${s.env}, default ${s.parser.show(s.default)})`,
  );
  return lines.join('\n');
}
