/**
 * Seeds and run counts for the property-based suites (test/property/*.test.ts).
 *
 * The seed is fixed, so every run (and CI) tries the same inputs. On a failure fast-check prints
 * the counterexample with its seed and path; rerun just that test with them:
 *
 *   PARLEY_PROPERTY_SEED=<seed> PARLEY_PROPERTY_PATH=<path> npx vitest run test/property/<file> -t '<test name>'
 *
 * A longer run (other inputs, more of them):
 *
 *   PARLEY_PROPERTY_SEED=$RANDOM PARLEY_PROPERTY_RUNS=2000 npx vitest run test/property
 *
 * PARLEY_PROPERTY_RUNS replaces each property's default number of runs. The suites that talk to a
 * real server stop at the first failure (no shrinking: the server's state has moved on, so a
 * shrunk input would not replay the same way); set PARLEY_PROPERTY_SHRINK=1 to shrink anyway.
 */
import type { Parameters } from 'fast-check';

/** Fixed default: a test run never depends on the luck of a random seed. */
export const DEFAULT_PROPERTY_SEED = 1_000_010;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return n;
}

export const PROPERTY_SEED = envInt('PARLEY_PROPERTY_SEED') ?? DEFAULT_PROPERTY_SEED;
const RUNS = envInt('PARLEY_PROPERTY_RUNS');
const PATH = process.env['PARLEY_PROPERTY_PATH'];
const SHRINK = process.env['PARLEY_PROPERTY_SHRINK'] === '1';

/** True when PARLEY_PROPERTY_RUNS asks for a longer run (time budgets then scale with it). */
export const LONG_RUN = RUNS !== undefined;

/**
 * fast-check parameters: the seed, `defaultRuns` unless PARLEY_PROPERTY_RUNS says otherwise, and
 * for properties over a live server (`live`) no shrinking unless PARLEY_PROPERTY_SHRINK=1.
 */
export function propertyParams<T>(defaultRuns: number, { live = false } = {}): Parameters<T> {
  return {
    seed: PROPERTY_SEED,
    numRuns: RUNS ?? defaultRuns,
    ...(PATH === undefined ? {} : { path: PATH }),
    endOnFailure: live && !SHRINK,
  };
}
