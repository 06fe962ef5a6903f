/**
 * Pending, sent and failed rows, derived from the SDK's outbox events: the store keeps no outbox
 * of its own. Sends go through the SDK here, and a failed row can be sent again in its place.
 */
import type { OutboxChange } from '../../../src/client/index.ts';
import { errorCode, errorText } from '../format.ts';
import { t } from '../i18n/index.ts';
import { hasSeq } from '../room-log.ts';
import type { StoreState } from './state.ts';
import type { OutboxItem, SendStatus } from './types.ts';

/** Sent items kept (per room) only to mark "sent" on their log entries. */
const SENT_KEEP = 100;

export class OutboxRows {
  private keySeq = 0;
  /** The id of the send the SDK added to its outbox during the current client.send() call. */
  private added: string | undefined;

  constructor(
    private readonly s: StoreState,
    /** Have a view of `room` and join it in the background (a restored send's room). */
    private readonly ensureRoom: (room: string) => void,
  ) {}

  /** A failed message goes again as a new send, in the failed one's place (the SDK forgot it). */
  retry(room: string, key: string): void {
    const item = this.s.state.views[room]?.outbox.find((o) => o.key === key);
    if (!item || item.status !== 'failed') return;
    this.write(room, item.body, item.reply, key);
  }

  discard(room: string, key: string): void {
    this.s.updateView(room, (v) => ({ ...v, outbox: v.outbox.filter((o) => o.key !== key) }));
  }

  /**
   * One send through the SDK. Its `added` event (during the call) makes the pending row; with
   * `replaces`, that row takes the failed one's place. A send the client refused before its
   * outbox (it is closed) shows failed, like one the outbox failed.
   */
  write(room: string, body: string, reply: number | undefined, replaces?: string): void {
    this.added = undefined;
    const sent = this.s.client.send(room, body, reply === undefined ? {} : { reply });
    const id = this.added;
    this.added = undefined;
    const key = id ?? replaces ?? `unsent-${++this.keySeq}`;
    this.s.updateView(room, (v) => {
      const fresh: OutboxItem | undefined =
        id === undefined
          ? { key, body, status: 'pending', createdAt: Date.now(), ...(reply === undefined ? {} : { reply }) }
          : v.outbox.find((o) => o.key === id);
      if (!fresh) return v;
      if (replaces !== undefined && v.outbox.some((o) => o.key === replaces)) {
        const outbox = v.outbox.filter((o) => o.key === replaces || o.key !== fresh.key);
        return { ...v, outbox: outbox.map((o) => (o.key === replaces ? fresh : o)) };
      }
      return id === undefined ? { ...v, outbox: [...v.outbox, fresh] } : v;
    });
    // A failure the outbox told (`failed`) already shows, and `discarded` was asked for; a client
    // closed for good rejects its unsent writes without an event: they show failed too.
    sent.catch((err: unknown) => {
      if (errorCode(err) !== 'discarded')
        this.patchOutbox(room, key, { status: 'failed', error: errorText(err) }, 'pending');
    });
  }

  /**
   * The SDK's outbox, the only source of pending, sent and failed rows: this page's sends and
   * those an earlier page life left unsent (restored; their room is joined in the background
   * so they go out). This page's file sends show as uploads (file-transfers.ts) instead.
   */
  onOutbox(o: OutboxChange): void {
    const { entry } = o;
    const key = entry.id;
    if (o.change === 'added') {
      if (entry.restored) this.ensureRoom(entry.room);
      if (entry.frame.type !== 'send') return; // edits and reactions have no pending look yet
      if (!entry.restored && entry.frame.kind !== 'text') return;
      if (!entry.restored) this.added = entry.id;
      const item: OutboxItem = {
        key,
        body: entry.frame.kind === 'text' ? entry.frame.body : entry.frame.body || t('chat.aFile'),
        status: 'pending',
        createdAt: entry.createdAt,
        cid: entry.id,
        ...(entry.frame.reply === undefined ? {} : { reply: entry.frame.reply }),
      };
      this.s.updateView(entry.room, (v) =>
        v.outbox.some((x) => x.key === key) ? v : { ...v, outbox: [...v.outbox, item] },
      );
    } else if (o.change === 'acked') {
      this.patchOutbox(entry.room, key, { status: 'sent', seq: o.result.seq });
      this.trimOutbox(entry.room);
    } else if (o.change === 'failed') {
      this.patchOutbox(entry.room, key, { status: 'failed', error: errorText(o.error) });
    } else {
      this.discard(entry.room, key);
    }
  }

  /** Change item `key` (only while its status is `from`, when given). */
  private patchOutbox(room: string, key: string, patch: Partial<OutboxItem>, from?: SendStatus): void {
    this.s.updateView(room, (v) => {
      const item = v.outbox.find((o) => o.key === key);
      if (!item || (from !== undefined && item.status !== from)) return v;
      return { ...v, outbox: v.outbox.map((o) => (o === item ? { ...o, ...patch } : o)) };
    });
  }

  /** Forget the oldest sent items whose log entry is already shown. */
  private trimOutbox(room: string): void {
    this.s.updateView(room, (v) => {
      const landed = v.outbox.filter((o) => o.status === 'sent' && o.seq !== undefined && hasSeq(v.events, o.seq));
      if (landed.length <= SENT_KEEP) return v;
      const drop = new Set(landed.slice(0, landed.length - SENT_KEEP).map((o) => o.key));
      return { ...v, outbox: v.outbox.filter((o) => !drop.has(o.key)) };
    });
  }
}
