/**
 * A real Parley server with the CLI's crash handling, plus a way to make something escape every
 * guard: a line "throw" or "reject" on stdin. Prints "ready <port>" once listening.
 */
import { createInterface } from 'node:readline';
import { exitOnCrash } from '../../src/server/crash.ts';
import { createParleyServer } from '../../src/server/index.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: crash-fixture.ts <data-dir>');
const server = createParleyServer({
  options: { port: 0, host: '127.0.0.1', dataDir, webDir: null, logLevel: 'info' },
});
exitOnCrash(server);
const port = await server.listen();
process.stdout.write(`ready ${port}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'throw')
    setImmediate(() => {
      throw new Error('planted failure');
    });
  if (line === 'reject') void Promise.reject(new Error('planted rejection'));
});
