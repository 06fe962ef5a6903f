/** The parts of one node every handler reaches (ServerContext), built over its engines. */
import type { Engines } from '../engines.ts';
import { Hub } from '../fanout/hub.ts';
import { ReceiptSignals } from '../fanout/receipts.ts';
import { StatusSignals } from '../fanout/status-signals.ts';
import type { Subscriber } from '../fanout/subscriber.ts';
import { guarded } from '../guard.ts';
import { UserLimits } from '../limits/user-limits.ts';
import type { Logger } from '../log.ts';
import { NodeMetrics } from '../metrics/node-metrics.ts';
import type { ServerOptions } from '../options.ts';
import { RoomPresence, screen, type PresenceViewer } from '../presence/room-presence.ts';
import { BlockBook } from './block-book.ts';
import { NameBook } from './name-book.ts';
import { SignalClock } from '../fanout/signal-clock.ts';
import type { ServerContext } from './context.ts';

export interface NodeContext {
  readonly ctx: ServerContext;
  /** Hears the node channels (ended sessions, status): before the first socket opens. */
  start(): Promise<void>;
  /** Flushes receipts and last seen, then stops hearing the broker. Engines stay open. */
  stop(): Promise<void>;
}

export function createNodeContext(
  options: ServerOptions,
  log: Logger,
  engines: Engines,
  /** This node's open connections: the gateway adds and removes them. */
  connections: Set<Subscriber>,
  /** Built by index.ts (exposed or not by the options); a bare one by default. */
  metrics = new NodeMetrics({ node: options.nodeId ?? 'unnamed', exposed: false }, connections),
): NodeContext {
  const { store, broker } = engines;
  // Screened signals (presence, typing) leave out, per recipient here, whoever blocks them.
  const screenFor = (userId: string, json: string): string | null | undefined => {
    const by = blocks.blockedBy(userId);
    return by && by.size > 0 ? screen(json, by) : undefined;
  };
  const heal = { store, intervalMs: options.healIntervalMs };
  const hub = new Hub(broker, log, options.nodeId ?? undefined, heal, metrics, screenFor);
  // Presence and status flush on the same ticks: a socket gets both in one write.
  const clock = new SignalClock(options.statusCoalesceMs);
  const roomPresence = new RoomPresence({
    clock,
    presence: engines.presence,
    largeRoomOnline: options.largeRoomOnline,
    broadcast: (room, json, screened) => hub.broadcast(room, json, undefined, undefined, undefined, screened),
    // Read when a flush runs, after `blocks` below exists.
    blockedBy: (userId): ReadonlySet<string> | undefined => blocks.blockedBy(userId),
    guard: (work) => guarded(log, { timer: 'presence' }, work),
    // Read at each flush: a rename since this node started overrides the name presence stored.
    named: (u) => names.named(u),
  });
  // Every enter and exit through the context is recorded as a change of its room.
  const presence = roomPresence.presence;
  const statuses = new StatusSignals({
    presence,
    store,
    connections,
    log,
    nodes: hub,
    graceMs: options.presenceGraceMs,
    windowMs: options.statusCoalesceMs,
    clock,
  });
  const blocks = new BlockBook({
    store,
    nodes: hub,
    connections,
    statuses,
    log,
    // A block or unblock changes what the blocked person may see of each room they are in.
    review: (conn) => {
      const viewer = conn as Subscriber & Partial<PresenceViewer>;
      if (viewer.rooms && viewer.send)
        for (const room of viewer.rooms.keys()) roomPresence.view(room, viewer as PresenceViewer);
    },
  });
  const names = new NameBook({
    nodes: hub,
    connections,
    log,
    rename: (room, user) => engines.presence.rename?.(room, user) ?? Promise.resolve(),
  });
  const ctx: ServerContext = {
    options,
    log,
    store,
    broker,
    hub,
    presence,
    connections,
    userLimits: new UserLimits(options, engines.limits),
    receipts: new ReceiptSignals(hub),
    statuses,
    metrics,
    roomPresence,
    blocks,
    names,
    presenceChanged: (room) => roomPresence.changed(room),
  };
  // Connections a dead node took with it (purged by this node's presence): presence frames, statuses.
  const unwatch = presence.watch?.((lapse) => {
    for (const room of lapse.rooms) roomPresence.lapsed(room);
    for (const { user, state } of lapse.users) statuses.lapsed(user, state);
  });
  return {
    ctx,
    start: () => hub.start(),
    async stop() {
      unwatch?.();
      ctx.receipts.close();
      ctx.userLimits.close();
      // Last seen for everyone still online, before the store closes.
      await statuses.close();
      await hub.stop();
    },
  };
}
