import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { sniffImageType } from '../../src/imaging/sniff-image-type.js';
import { ALLOWED_IMAGE_TYPES, describeImageType } from '../../src/domain/content-types.js';

const fixture = (name: string) => readFile(new URL(`../fixtures/${name}`, import.meta.url));
const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(Buffer.from(p)) : p)));

describe('sniffImageType', () => {
  it.each([
    ['bus.jpg', 'image/jpeg'],
    ['astronaut.png', 'image/png'],
    ['squirrel.webp', 'image/webp'],
  ])('when the bytes are the real photo %s, then the type is %s', async (name, type) => {
    expect(sniffImageType(await fixture(name))).toBe(type);
  });

  it('when the bytes start with GIF87a or GIF89a, then the type is image/gif', () => {
    expect(sniffImageType(bytes('GIF87a', [1, 0, 1, 0]))).toBe('image/gif');
    expect(sniffImageType(bytes('GIF89a', [1, 0, 1, 0]))).toBe('image/gif');
  });

  it('when the bytes are the bare magic numbers, then the type is still recognised', () => {
    expect(sniffImageType(bytes([0xff, 0xd8, 0xff]))).toBe('image/jpeg');
    expect(sniffImageType(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffImageType(bytes('RIFF', [0, 0, 0, 0], 'WEBP'))).toBe('image/webp');
  });

  it.each([
    ['empty', bytes()],
    ['text', bytes('hello, this is not an image')],
    ['html', bytes('<!doctype html><script>alert(1)</script>')],
    ['svg', bytes('<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['a RIFF that is not WebP (WAV)', bytes('RIFF', [0, 0, 0, 0], 'WAVE')],
    ['a truncated JPEG marker', bytes([0xff, 0xd8])],
    ['a truncated PNG signature', bytes([0x89], 'PNG', [0x0d, 0x0a])],
    ['GIF with an unknown version', bytes('GIF90a')],
    ['PDF', bytes('%PDF-1.7')],
  ])('when the bytes are %s, then no type is recognised', (_, input) => {
    expect(sniffImageType(input)).toBeUndefined();
  });
});

describe('describeImageType', () => {
  it('when asked about each allowed type, then it gives the name people know', () => {
    expect(ALLOWED_IMAGE_TYPES.map(describeImageType)).toEqual(['JPEG', 'PNG', 'WebP', 'GIF']);
  });
});
