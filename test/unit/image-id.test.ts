import { describe, expect, it } from 'vitest';
import { newImageId } from '../../src/images/image-id.js';

describe('newImageId', () => {
  it('when ids are made, then they are RFC 9562 version 7 UUIDs carrying the time', () => {
    const id = newImageId(Date.parse('2030-01-01T00:00:00.000Z'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(
      Date.parse('2030-01-01T00:00:00.000Z'),
    );
  });

  it('when many ids are made in the same millisecond, then each sorts after the one before', () => {
    const now = Date.parse('2031-06-01T12:00:00.000Z');
    const ids = Array.from({ length: 5000 }, () => newImageId(now));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
