/**
 * Property: the frame decoder (decodeClientFrame) survives any text a peer can send. For every
 * client frame type, every schema field is left out, valid, or any JSON value at all: objects
 * whose keys are toString / valueOf / toJSON / __proto__ / constructor, nesting thousands deep,
 * numbers beyond the safe integers or a double, huge and empty strings, lone surrogates.
 * It never throws; it answers ok, or a documented error code with a short message that never
 * carries more than a short excerpt of the client's data.
 *
 * Seeded (test/property/config.ts): rerun a failure with the printed seed and path,
 *   PARLEY_PROPERTY_SEED=<seed> PARLEY_PROPERTY_PATH=<path> npx vitest run test/property/decoder.test.ts -t '<name>'
 * and run longer with PARLEY_PROPERTY_SEED=<any> PARLEY_PROPERTY_RUNS=<n>.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_FRAME_TYPES,
  decodeClientFrame,
  ERROR_CODES,
  LIMITS,
  type DecodeResult,
} from '../../src/protocol/index.ts';
import { ALL_FIELDS, frameFields, frameText, jsonText, PLAUSIBLE, type FrameType } from './arbitraries.ts';
import { propertyParams } from './config.ts';

/** The codes the decoder itself may answer (docs/protocol.md, _Error codes_). */
const DECODER_CODES = new Set([
  'bad_json',
  'bad_frame',
  'unknown_type',
  'version_unsupported',
  'nick_invalid',
  'room_invalid',
  'query_invalid',
  'display_name_invalid',
]);
/** A message is for humans: short, whatever the input (it may quote a short excerpt of it). */
const MESSAGE_MAX = 300;

const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

/** Checks every invariant of one decode; returns what it decoded. */
function decodeChecked(text: string): DecodeResult {
  let result: DecodeResult;
  try {
    result = decodeClientFrame(text);
  } catch (err) {
    throw new Error(`decodeClientFrame threw ${String(err)} on ${JSON.stringify(text.slice(0, 200))}…`, {
      cause: err,
    });
  }
  // Whatever came back can be put on the wire.
  const wire = JSON.stringify(result);
  expect(typeof wire).toBe('string');
  if (result.ok) {
    expect(CLIENT_FRAME_TYPES).toContain(result.frame.type);
    expect(Object.getPrototypeOf(result.frame)).toBe(Object.prototype);
    return result;
  }
  expect(ERROR_CODES).toContain(result.code);
  expect(DECODER_CODES.has(result.code), result.code).toBe(true);
  expect(typeof result.message).toBe('string');
  expect(result.message.length, result.message.slice(0, 400)).toBeLessThanOrEqual(MESSAGE_MAX);
  if (result.id !== undefined) {
    expect(typeof result.id).toBe('string');
    expect(result.id.length).toBeGreaterThan(0);
    expect(result.id.length).toBeLessThanOrEqual(LIMITS.clientIdMax);
  }
  if (result.type !== undefined) expect(CLIENT_FRAME_TYPES).toContain(result.type);
  return result;
}

describe('the frame fields come from the schemas', () => {
  it('every frame type has an object schema whose type is its name', () => {
    for (const type of CLIENT_FRAME_TYPES) expect(frameFields(type)[0]).toBe('type');
  });

  it('every field of every schema has plausible values to reach the fields after it', () => {
    expect(ALL_FIELDS.filter((f) => !(f in PLAUSIBLE))).toEqual([]);
  });
});

describe('decodeClientFrame never throws and answers only documented codes', () => {
  for (const type of CLIENT_FRAME_TYPES) {
    it(`${type}: any value in any field`, () => {
      fc.assert(
        fc.property(frameText(type as FrameType), (text) => {
          const result = decodeChecked(text);
          // The id is echoed only when it is a readable client id, and then exactly.
          if (!result.ok && result.id !== undefined) {
            expect(result.id).toBe((JSON.parse(text) as { id?: unknown }).id);
          }
        }),
        propertyParams(120),
      );
    });
  }

  it('any JSON value as the whole frame', () => {
    fc.assert(
      fc.property(jsonText(), (text) => void decodeChecked(text)),
      propertyParams(400),
    );
  });

  it('any text at all, and truncated frames', () => {
    const truncated = fc
      .tuple(
        fc.constantFrom(...CLIENT_FRAME_TYPES).chain((t) => frameText(t as FrameType)),
        fc.nat(),
      )
      .map(([text, cut]) => text.slice(0, cut % (text.length + 1)));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), truncated), (text) => void decodeChecked(text)),
      propertyParams(400),
    );
  });

  it('a hostile `type` is never stringified: objects with toString, deep nesting, __proto__', () => {
    const typeValue = fc.oneof(
      jsonText(),
      fc.constantFrom('{"toString":1}', '{"valueOf":1,"toString":1}', '{"toJSON":1}', '{"__proto__":{"toString":1}}'),
    );
    fc.assert(
      fc.property(typeValue, fc.boolean(), (t, withId) => {
        const result = decodeChecked(`{"type":${t}${withId ? ',"id":"x-1"' : ''}}`);
        if (!result.ok && withId && result.code !== 'bad_json') expect(result.id).toBe('x-1');
      }),
      propertyParams(300),
    );
  });

  it('leaves Object.prototype as it was', () => {
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(({} as Record<string, unknown>)['isAdmin']).toBeUndefined();
  });
});

describe('regressions found by the properties', () => {
  it.each([
    ['a type object with toString (issue 10 finding 2)', '{"type":{"toString":1}}'],
    ['a type nested thousands deep (issue 10 finding 2)', `{"type":${'['.repeat(5_000)}${']'.repeat(5_000)}}`],
  ])('%s', (_name, text) => {
    const result = decodeChecked(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe('unknown_type');
  });
});
