import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/catalog/cursor.js';
import { InvalidCursor } from '../../src/domain/errors.js';
import { toHttpError } from '../../src/http/problem.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function rejection(cursor: unknown): unknown {
  try {
    decodeCursor(cursor as string);
  } catch (error) {
    return error;
  }
  throw new Error(`decodeCursor accepted ${String(cursor)}`);
}

describe('cursor', () => {
  it('when a position is encoded, then it decodes to the same position', () => {
    for (const position of [
      { createdAt: '2025-01-02T03:04:05.678Z', id: '0b4f2c9e-8d52-4f0e-9c1e-2a7d3b5e6f70' },
      { createdAt: '2025-01-02T03:04:05Z', id: 'id with "quotes", commas and ü' },
    ]) {
      const cursor = encodeCursor(position);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(cursor)).toEqual(position);
    }
  });

  it('when the cursor is malformed in any way, then InvalidCursor, a 400 on the cursor field', () => {
    const bad: unknown[] = [
      '',
      'not base64!',
      'a b',
      b64('not json'),
      b64('{"createdAt":"2025-01-01T00:00:00.000Z","id":"x"}'),
      b64('[]'),
      b64('["2025-01-01T00:00:00.000Z"]'),
      b64('["2025-01-01T00:00:00.000Z","x","extra"]'),
      b64('["2025-01-01T00:00:00.000Z","x","sideways",""]'),
      b64('["2025-01-01T00:00:00.000Z","x","oldest",""]'),
      b64('["2025-01-01T00:00:00.000Z","x","newest","abc"]'),
      b64('[1,"x"]'),
      b64('["2025-01-01T00:00:00.000Z",1]'),
      b64('["2025-01-01T00:00:00.000Z",""]'),
      b64('["yesterday","x"]'),
      b64('["2025-13-45T99:00:00.000Z","x"]'),
      b64('["2025-01-01T00:00:00.000Z",null]'),
      b64(`["2025-01-01T00:00:00.000Z","${'x'.repeat(300)}"]`),
      'A'.repeat(513),
      undefined,
      42,
    ];
    for (const cursor of bad) {
      const error = rejection(cursor);
      expect(error, String(cursor)).toBeInstanceOf(InvalidCursor);
      expect(toHttpError(error)).toMatchObject({
        status: 400,
        message: 'The cursor is not valid.',
        errors: [{ path: 'cursor', message: expect.any(String) }],
      });
    }
  });

  it('when random bytes are given, then only InvalidCursor is ever thrown', () => {
    for (let i = 0; i < 500; i++) {
      const bytes = Buffer.from(Array.from({ length: i % 64 }, () => (Math.random() * 256) | 0));
      for (const cursor of [bytes.toString('base64url'), bytes.toString('latin1')]) {
        try {
          decodeCursor(cursor);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidCursor);
        }
      }
    }
  });

  it('when a cursor meets the listing it was made for, then it decodes; another, then InvalidCursor naming why', () => {
    const position = { createdAt: '2025-01-02T03:04:05.678Z', id: 'x' };
    const oldestDogs = { order: 'oldest' as const, filters: 'k3x9' };
    const cursor = encodeCursor(position, oldestDogs);
    expect(decodeCursor(cursor, oldestDogs)).toEqual(position);
    const wrongOrder = rejection2(() => decodeCursor(cursor, { order: 'newest', filters: 'k3x9' }));
    expect(wrongOrder.errors).toEqual([
      { path: 'cursor', message: 'It was made for order=oldest, not order=newest.' },
    ]);
    const wrongFilters = rejection2(() => decodeCursor(cursor, { order: 'oldest', filters: '' }));
    expect(wrongFilters.errors?.[0]?.message).toMatch(/other filters/);
    // A v1 cursor (a bare position) is a newest-first position under any filters.
    const v1 = b64(JSON.stringify([position.createdAt, position.id]));
    expect(decodeCursor(v1, { order: 'newest', filters: 'k3x9' })).toEqual(position);
    expect(rejection2(() => decodeCursor(v1, oldestDogs))).toBeInstanceOf(InvalidCursor);
  });
});

function rejection2(decode: () => unknown): InvalidCursor {
  try {
    decode();
  } catch (error) {
    if (error instanceof InvalidCursor) return error;
    throw error;
  }
  throw new Error('decodeCursor accepted it');
}
