// Text in images through the real local app: OCR on by default, off with OCR=off, and a reading
// that runs out of time (OCR_TIMEOUT_MS) leaves the image its other tags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Image, ImagePage } from '../../src/http/schemas.js';
import { fixture, startTestApp, type TestApp } from '../support/local-app.js';

const names = (image: Record<string, unknown>) =>
  (image.tags as Array<{ name: string }>).map((tag) => tag.name);

describe('text in images (OCR=on, the default)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('when a photo of a sign is uploaded, then it ends tagged text, its text holds the words, and q finds it by one', async () => {
    const { token, auth } = await app.newUser();
    const id = await app.upload(token, fixture('sign.jpg'), 'image/jpeg', 'street.jpg');
    const image = Image.parse(await app.settled(token, id));
    expect(image.status).toBe('tagged');
    expect(names(image)).toEqual(expect.arrayContaining(['text', 'person']));
    expect(image.text).toMatch(/\bPARKING\b.*\bPROHIBITED\b/);

    const found = ImagePage.parse((await app.http.get('/images?q=prohib').set(auth)).body);
    expect(found.items.map((item) => item.id)).toEqual([id]);
    const tagged = ImagePage.parse((await app.http.get('/images?tags=text').set(auth)).body);
    expect(tagged.items.map((item) => item.id)).toEqual([id]);
  });

  it('when photos without legible text are uploaded, then none gets the tag text or any text', async () => {
    const { token } = await app.newUser();
    for (const [file, type] of [
      ['bus.jpg', 'image/jpeg'],
      ['chelsea.png', 'image/png'],
    ] as const) {
      const image = await app.settled(token, await app.upload(token, fixture(file), type));
      expect(image.status, file).toBe('tagged');
      expect(names(image), file).not.toContain('text');
      expect(image, file).not.toHaveProperty('text');
    }
  });

  it('when the vocabulary is asked for, then text is in it', async () => {
    const { auth } = await app.newUser();
    const response = await app.http.get('/vocabulary').set(auth).expect(200);
    expect(response.body.labels).toContain('text');
  });
});

describe('text in images, OCR=off', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ OCR: 'off' });
  });
  afterAll(() => app.close());

  it('when a photo of a sign is uploaded, then it is tagged by the model alone, with no text', async () => {
    const { token, auth } = await app.newUser();
    const image = await app.settled(
      token,
      await app.upload(token, fixture('sign.jpg'), 'image/jpeg'),
    );
    expect(image.status).toBe('tagged');
    expect(names(image)).toContain('person');
    expect(names(image)).not.toContain('text');
    expect(image).not.toHaveProperty('text');
    const response = await app.http.get('/vocabulary').set(auth).expect(200);
    expect(response.body.labels).not.toContain('text');
  });
});

describe('text in images, out of time (OCR_TIMEOUT_MS=1)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ OCR_TIMEOUT_MS: '1' });
  });
  afterAll(() => app.close());

  it('when reading the sign runs out of time, then the image is tagged with its other tags and no text', async () => {
    const { token } = await app.newUser();
    const image = await app.settled(
      token,
      await app.upload(token, fixture('sign.jpg'), 'image/jpeg'),
    );
    expect(image.status).toBe('tagged');
    expect(names(image)).toEqual(expect.arrayContaining(['person', 'car']));
    expect(names(image)).not.toContain('text');
    expect(image).not.toHaveProperty('text');
  });
});
