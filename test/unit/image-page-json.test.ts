import { describe, expect, it } from 'vitest';
import type { Page } from '../../src/catalog/image-catalog.js';
import type { ImageRecord, ImageView } from '../../src/domain/image.js';
import { imagePageJson } from '../../src/http/image-page-json.js';
import { toImageViews } from '../../src/images/image-view.js';

/** URLs with characters JSON escapes, so they take the escaping path too. */
const blobs = {
  createDownloadUrls: async (keys: readonly string[]) =>
    keys.map((key, k) => (k % 2 === 0 ? `https://blobs.test/${key}?s=a-b_c` : `${key} "q" \\ é`)),
};

const record = (over: Partial<ImageRecord>): ImageRecord => ({
  id: '0b4f2c9e-8d52-4f0e-9c1e-2a7d3b5e6f70',
  ownerId: 'alice',
  filename: 'photo.jpg',
  contentType: 'image/jpeg',
  size: 150_000,
  status: 'pending',
  tags: [],
  createdAt: '2025-06-01T00:00:00.000Z',
  ...over,
});

const awkward = [
  'plain',
  'with "quotes" and \\ backslash',
  'new\nline\ttab\r\b\f',
  'control \u0000 \u0001 \u001f \u007f',
  'accents é ü – ß',
  'emoji 🚦 pair',
  'lone \ud800 high',
  'lone \udfff low',
  'line sep \u2028 \u2029',
  '',
];

describe('imagePageJson', () => {
  it('when a page of views is written, then it is JSON.stringify of the page, character for character', async () => {
    const records: ImageRecord[] = [
      record({}),
      record({
        status: 'tagged',
        taggedAt: '2025-06-01T00:00:01.000Z',
        tags: [
          { name: 'person', confidence: 1, source: 'user' },
          {
            name: 'traffic light',
            confidence: 0.7000000000000001,
            box: { x: 0, y: 0.1234, w: 1, h: 1e-7 },
            source: 'model',
          },
          { name: 'tiny', confidence: 1e-7, source: 'model' },
          { name: 'zero', confidence: 0, source: 'model' },
        ],
        width: 4032,
        height: 3024,
        text: 'STOP',
      }),
      record({ status: 'failed', error: 'This is not an image.', tags: [] }),
      ...awkward.map((text, k) =>
        record({
          id: `id-${k}-${text}`,
          filename: text,
          contentType: text,
          status: 'tagged',
          taggedAt: text,
          tags: [{ name: text, confidence: k / 7, source: 'model' }],
          text,
          createdAt: text,
        }),
      ),
    ];
    const items = await toImageViews(records, blobs);
    for (const nextCursor of [null, 'eyJjIjoiMjAyNSJ9', 'odd "cursor" \ud800']) {
      const page: Page<ImageView> = { items, nextCursor };
      expect(imagePageJson(page)).toBe(JSON.stringify(page));
    }
  });

  it('when a number is not finite or a field is absent, then it is written as JSON.stringify writes it', () => {
    const view: ImageView = {
      id: 'a1',
      filename: 'a.jpg',
      contentType: 'image/jpeg',
      size: Number.NaN,
      status: 'tagged',
      tags: [{ name: 'x', confidence: Number.NEGATIVE_INFINITY, source: 'model' }],
      createdAt: '2025-06-01T00:00:00.000Z',
      width: Number.POSITIVE_INFINITY,
      height: -0,
      url: undefined,
    };
    for (const page of [
      { items: [view], nextCursor: null },
      { items: [], nextCursor: null },
    ]) {
      expect(imagePageJson(page)).toBe(JSON.stringify(page));
    }
  });
});
