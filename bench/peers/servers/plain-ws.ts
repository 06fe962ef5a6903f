/**
 * The plain `ws` peer: rooms in a Map, each message framed once and the same bytes written to
 * every member (Parley's own prepareFrame / writePrepared).
 * `{"t":"join","room"}` → `{"t":"joined","room"}`; `{"t":"send","room","body"}` → `{"t":"msg","room","body"}` to the room.
 * Usage: node --import tsx bench/peers/servers/plain-ws.ts <port>
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { prepareFrame, writePrepared } from '../../../src/server/gateway/wire.ts';

const port = Number(process.argv[2] ?? 0);
const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ host: '127.0.0.1', port });
wss.on('connection', (ws) => {
  const mine = new Set<string>();
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as { t: string; room: string; body?: string };
    if (f.t === 'join') {
      let set = rooms.get(f.room);
      if (!set) rooms.set(f.room, (set = new Set()));
      set.add(ws);
      mine.add(f.room);
      ws.send(JSON.stringify({ t: 'joined', room: f.room }));
    } else if (f.t === 'send') {
      const frame = prepareFrame(JSON.stringify({ t: 'msg', room: f.room, body: f.body }));
      for (const member of rooms.get(f.room) ?? []) writePrepared(member, frame);
    }
  });
  ws.on('close', () => {
    for (const room of mine) rooms.get(room)?.delete(ws);
  });
});
wss.on('listening', () => process.stdout.write(`listening ${port}\n`));
process.once('SIGTERM', () => process.exit(0));
