/** Runs the scenarios against each server, a fresh server process per scenario, and sums the checks. */
import { KINDS, startServer, type Contender } from './proc.ts';
import { fanout } from './scenarios/fanout.ts';
import { idle } from './scenarios/idle.ts';
import { joinStorm } from './scenarios/joins.ts';
import { manyToMany } from './scenarios/m2m.ts';
import { reconnectStorm } from './scenarios/reconnect.ts';
import type { Scenario } from './scenarios/types.ts';
import type { Sizes } from './sizes.ts';
import type { ServerResult } from './table.ts';
import { Tracker } from './tracker.ts';

export const SCENARIOS: readonly Scenario[] = [fanout, manyToMany, idle, joinStorm, reconnectStorm];

export interface SuiteOptions {
  sizes: Sizes;
  kinds?: readonly Contender[];
  /** Scenario names (default: all). */
  scenarios?: readonly string[];
  log?: (line: string) => void;
}

export async function runPeers(o: SuiteOptions): Promise<Partial<Record<Contender, ServerResult>>> {
  const log = o.log ?? ((line: string) => console.log(line));
  const results: Partial<Record<Contender, ServerResult>> = {};
  const kinds = o.kinds ?? KINDS;
  for (const scenario of SCENARIOS) {
    if (o.scenarios && !o.scenarios.includes(scenario.name)) continue;
    for (const kind of kinds) {
      const r = (results[kind] ??= { figures: {}, lost: 0, dups: 0, deliveries: 0, errors: [] });
      const tracker = new Tracker();
      const server = await startServer(kind, scenario.rooms(o.sizes));
      try {
        Object.assign(r.figures, await scenario.run(server, o.sizes, tracker, (l) => log(`[${kind}] ${l}`)));
      } catch (err) {
        r.errors.push(`${scenario.name}: ${(err as Error).message}`);
        log(`[${kind}] ${scenario.name} failed: ${(err as Error).message}`);
      } finally {
        await server.dispose();
      }
      r.lost += tracker.lost + tracker.seqGaps;
      r.dups += tracker.dups + tracker.seqDups;
      r.deliveries += tracker.delivered;
      r.errors.push(...tracker.errors.slice(0, 5).map((e) => `${scenario.name}: ${e}`));
    }
  }
  return results;
}
