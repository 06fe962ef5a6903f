/**
 * The Socket.IO 4.8 peer: joins rooms and broadcasts to them, nothing else.
 * `join` (room) → `joined` (room); `send` (room, body) → `msg` (room, body) to the whole room.
 * Usage: node --import tsx bench/peers/servers/socketio.ts <port>
 */
import { Server } from 'socket.io';

const port = Number(process.argv[2] ?? 0);
const io = new Server({ transports: ['websocket'], serveClient: false, cors: { origin: '*' } });
io.on('connection', (socket) => {
  socket.on('join', (room: string) => {
    void socket.join(room);
    socket.emit('joined', room);
  });
  socket.on('send', (room: string, body: string) => {
    io.to(room).emit('msg', room, body);
  });
});
io.listen(port);
process.stdout.write(`listening ${port}\n`);
process.once('SIGTERM', () => {
  void io.close();
  process.exit(0);
});
