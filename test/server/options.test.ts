/** Server options: every option is complete in the one table, and bad values are refused naming the flag. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DEFAULTS, helpText, OPTION_SPECS, resolveOptions, type ServerOptions } from '../../src/server/options.ts';

describe('options table', () => {
  it.each(OPTION_SPECS.map((s) => [s.key, s] as const))(
    '%s has a flag, an env var, help and a valid default',
    (key, s) => {
      expect(s.flag).toMatch(/^--[a-z][a-z0-9-]*$/);
      expect(s.env).toMatch(/^PARLEY_[A-Z][A-Z0-9_]*$/);
      expect(s.help.length).toBeGreaterThan(5);
      expect(s.parser.check(s.default), key).toBeUndefined();
      expect(DEFAULTS[key]).toEqual(s.default);
      // What --help shows as the default is what the flag would take.
      if (s.default !== null) expect(s.parser.parse(s.parser.show(s.default), s.flag)).toEqual(s.default);
    },
  );

  it('flags and env vars are unique, and --help lists each', () => {
    expect(new Set(OPTION_SPECS.map((s) => s.flag)).size).toBe(OPTION_SPECS.length);
    expect(new Set(OPTION_SPECS.map((s) => s.env)).size).toBe(OPTION_SPECS.length);
    const help = helpText();
    for (const s of OPTION_SPECS) {
      expect(help).toContain(`${s.flag} <v>`);
      expect(help).toContain(`env ${s.env},`);
    }
  });

  it('the defaults pass validation together, and only the token secret and the metrics token are secret', () => {
    expect(resolveOptions()).toEqual(DEFAULTS);
    expect(OPTION_SPECS.filter((s) => s.secret).map((s) => s.key)).toEqual(['tokenSecret', 'metricsToken']);
  });
  it('the type follows the parsers (checked by tsc)', () => {
    expectTypeOf<ServerOptions['port']>().toEqualTypeOf<number>();
    expectTypeOf<ServerOptions['guests']>().toEqualTypeOf<boolean>();
    expectTypeOf<ServerOptions['defaultRooms']>().toEqualTypeOf<string[]>();
    expectTypeOf<ServerOptions['webDir']>().toEqualTypeOf<string | null>();
    expectTypeOf<ServerOptions['dataDir']>().toEqualTypeOf<string>();
    expectTypeOf<ServerOptions['logLevel']>().toEqualTypeOf<
      'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
    >();
  });
});

describe('resolveOptions', () => {
  it('flags win over the environment, which wins over the defaults; code wins over both', () => {
    const o = resolveOptions(['--port', '9000', '--guests=off'], { PARLEY_PORT: '7000', PARLEY_HOST: '::1' });
    expect(o).toMatchObject({ port: 9000, guests: false, host: '::1', heartbeatMs: DEFAULTS.heartbeatMs });
    expect(resolveOptions(['--port', '9000'], {}, { port: 0 }).port).toBe(0);
  });

  it('parses each kind: list, enum, nullable path and text', () => {
    const o = resolveOptions(['--default-rooms', ' a, ,b ', '--log-level', 'debug', '--web-dir', 'none'], {
      PARLEY_TOKEN_SECRET: 's'.repeat(32),
    });
    expect(o).toMatchObject({ defaultRooms: ['a', 'b'], logLevel: 'debug', webDir: null, tokenSecret: 's'.repeat(32) });
  });

  it('an override of undefined keeps the default, and lists are copies', () => {
    const o = resolveOptions([], {}, { port: undefined });
    expect(o.port).toBe(DEFAULTS.port);
    o.defaultRooms.push('x');
    expect(DEFAULTS.defaultRooms).toEqual(['general']);
  });

  // One bad value per parser kind, by flag and by environment variable: the message names the flag.
  it.each([
    ['int', '--port', 'x', /--port: expected a non-negative integer, got "x"/],
    ['int', '--port', '-1', /--port: expected a non-negative integer/],
    ['int, out of bounds', '--port', '65536', /port \(--port\) must be at most 65535, got 65536/],
    ['int, below min', '--heartbeat-ms', '99', /\(--heartbeat-ms\) must be at least 100/],
    ['bool', '--guests', 'maybe', /--guests: expected on or off, got "maybe"/],
    ['list', '--allowed-origins', ' , ', /\(--allowed-origins\) is empty: use "\*" to allow any origin/],
    ['enum', '--log-level', 'loud', /--log-level: expected one of fatal, error, warn, info, debug, trace, silent/],
    ['path', '--data-dir', '', /--data-dir: expected a path, got ""/],
    ['text', '--token-secret', 'short', /\(--token-secret\) must have 32 characters or more/],
  ])('a bad %s is refused naming the flag (%s %j)', (_kind, flag, value, message) => {
    expect(() => resolveOptions([flag, value])).toThrow(message);
    expect(() => resolveOptions([`${flag}=${value}`])).toThrow(message);
    const env = OPTION_SPECS.find((s) => s.flag === flag)?.env ?? '';
    expect(() => resolveOptions([], { [env]: value })).toThrow(message);
  });

  it('a refused secret is not echoed', () => {
    let message = '';
    try {
      resolveOptions(['--token-secret', 'hunter2']);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('--token-secret');
    expect(message).not.toContain('hunter2');
  });

  it('values given in code are checked too', () => {
    expect(() => resolveOptions([], {}, { connFramesBurst: 0 })).toThrow(/connFramesBurst \(--conn-frames-burst\)/);
    expect(() => resolveOptions([], {}, { trustProxy: 1.5 })).toThrow(/must be an integer/);
    expect(() => resolveOptions([], {}, { dataDir: '' })).toThrow(/\(--data-dir\) must be a path/);
  });

  it.each([
    [['--tls-cert', 'c.pem'], '--tls-cert and --tls-key go together'],
    [['--max-body-chars', '20000'], 'maxFrameBytes must fit a body of maxBodyChars'],
    [['--refresh-token-ttl-ms', '5000'], 'refreshTokenTtlMs must be at least accessTokenTtlMs'],
    [['--http-request-timeout-ms', '50'], 'httpRequestTimeoutMs must be 0 or at least httpHeadersTimeoutMs'],
  ])('rules across options: %j', (argv, message) => {
    expect(() => resolveOptions(argv)).toThrow(message);
  });

  it('refuses an unknown flag and a flag without its value', () => {
    expect(() => resolveOptions(['--bogus', '1'])).toThrow('unknown option --bogus (see --help)');
    expect(() => resolveOptions(['--port'])).toThrow('--port needs a value');
  });
});
