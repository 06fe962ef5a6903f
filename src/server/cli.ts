/** `parley serve [options]`: what `npm start` runs. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitOnCrash } from './crash.ts';
import { createParleyServer, DEFAULTS, helpText, OPTION_SPECS, resolveOptions, type ServerOptions } from './index.ts';

const USAGE = `Usage: parley serve [options]

Runs the Parley chat server: HTTP + WebSocket (/ws) on one port, SQLite under --data-dir.
Several nodes share one chat with --store postgres://… --broker redis://… --token-secret …
(docs/scaling.md). Every option can also be set by its environment variable; flags win.

Options:
${helpText()}
  --help                     show this help
`;

const SECRET_KEYS: ReadonlySet<string> = new Set(OPTION_SPECS.filter((s) => s.secret).map((s) => s.key));

/** Options naming an engine by URL, whose password (if any) is redacted. */
const URL_KEYS: ReadonlySet<string> = new Set(['store', 'broker']);

/** A URL with its password replaced by `[redacted]`; anything else as it is. */
function withoutPassword(value: unknown): unknown {
  if (typeof value !== 'string' || !URL.canParse(value)) return value;
  const url = new URL(value);
  if (url.password === '') return value;
  url.password = 'redacted';
  return url.toString().replace(':redacted@', ':[redacted]@');
}

/** The effective configuration, with secrets and URL passwords redacted (when set), for the start-up log. */
export function describeConfig(options: ServerOptions): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(options).map(([k, v]) => [
      k,
      SECRET_KEYS.has(k) && v !== null ? '[redacted]' : URL_KEYS.has(k) ? withoutPassword(v) : v,
    ]),
  );
}

/**
 * The default web dir is relative to the working directory (a checkout); an installed package runs
 * from anywhere, so it falls back to the web app shipped beside this file (dist/web).
 */
function defaultWebDir(webDir: string | null): string | null {
  if (webDir === null || webDir !== DEFAULTS.webDir || existsSync(join(webDir, 'index.html'))) return webDir;
  const packaged = fileURLToPath(new URL('../web/', import.meta.url));
  return existsSync(join(packaged, 'index.html')) ? packaged : webDir;
}

/** The server never builds anything (`npm run build` does); without the web app it serves the API only. */
function warnIfNoWebApp(webDir: string | null): void {
  if (webDir && !existsSync(join(webDir, 'index.html'))) {
    process.stderr.write(`no web app in ${webDir} (npm run build makes it); serving the API only\n`);
  }
}

async function serve(argv: string[]): Promise<void> {
  let options: ServerOptions;
  try {
    options = resolveOptions(argv, process.env);
  } catch (err) {
    process.stderr.write(`parley: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  options = { ...options, webDir: defaultWebDir(options.webDir) };
  warnIfNoWebApp(options.webDir);
  const server = createParleyServer({ options });
  exitOnCrash(server);
  // The server's options: with the node id it runs as (made at start when --node-id is unset).
  server.log.info({ config: describeConfig(server.options) }, 'effective configuration');
  const port = await server.listen();
  const scheme = options.tlsCert === null ? 'http' : 'https';
  process.stdout.write(`Parley is running on ${scheme}://localhost:${port}\n`);
  const stop = (signal: string): void => {
    server.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || rest.includes('--help')) {
    process.stdout.write(USAGE);
    return;
  }
  if (command === 'serve') return serve(rest);
  process.stderr.write(`parley: unknown command "${command}"\n\n${USAGE}`);
  process.exit(2);
}

await main(process.argv.slice(2));
