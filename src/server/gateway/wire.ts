/**
 * Pre-framed WebSocket writes: an event is serialized and framed once per broadcast and the
 * same buffers are written to every subscriber (as engine.io does with wsPreEncodedFrame).
 */
import * as wsModule from 'ws';
import type { WebSocket } from 'ws';

/** The parts of ws's Sender that @types/ws does not declare. */
interface SenderStatic {
  frame(
    data: Buffer,
    options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
  ): Buffer[];
}
interface SenderInstance {
  _state?: number;
  sendFrame(list: Buffer[], cb?: (err?: Error) => void): void;
}

const Sender = (wsModule as unknown as { Sender: SenderStatic }).Sender;
const TEXT_OPCODE = 1;
/** ws's Sender state when nothing is queued (no compression or blob in flight). */
const SENDER_IDLE = 0;

/** One text frame, ready to be written to any number of sockets. */
export interface PreparedFrame {
  readonly data: Buffer;
  readonly frame: Buffer[];
  readonly bytes: number;
}

export function prepareFrame(json: string): PreparedFrame {
  const data = Buffer.from(json, 'utf8');
  const frame = Sender.frame(data, { fin: true, rsv1: false, opcode: TEXT_OPCODE, mask: false, readOnly: true });
  return { data, frame, bytes: data.length };
}

export function writePrepared(ws: WebSocket, prepared: PreparedFrame): void {
  const sender = (ws as unknown as { _sender?: SenderInstance })._sender;
  if (sender && sender._state === SENDER_IDLE) sender.sendFrame(prepared.frame);
  // Something is queued inside ws: let it keep its order.
  else ws.send(prepared.data, { binary: false });
}
