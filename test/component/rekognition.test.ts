// TAGGER=rekognition on the real local app (SQLite, local files, the local worker) against the
// Rekognition fake on 127.0.0.1 (REKOGNITION_ENDPOINT), through the real SDK client: an upload
// ends tagged with Rekognition's labels, their parents, a box and the text read, and q finds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRekognitionFake, type RekognitionFake } from '../support/rekognition-fake.js';
import { fixture, startTestApp, type TestApp } from '../support/local-app.js';

// The SDK takes its credentials from the environment, as on Lambda; restored after.
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIDLOCALAPP', AWS_SECRET_ACCESS_KEY: 'not-a-secret' };

describe('TAGGER=rekognition on the local app', () => {
  let fake: RekognitionFake;
  let app: TestApp;
  const saved = Object.fromEntries(Object.keys(CREDENTIALS).map((k) => [k, process.env[k]]));

  beforeAll(async () => {
    Object.assign(process.env, CREDENTIALS);
    fake = await startRekognitionFake();
    app = await startTestApp({
      TAGGER: 'rekognition',
      AWS_REGION: 'eu-central-1',
      REKOGNITION_ENDPOINT: fake.endpoint,
    });
  });

  afterAll(async () => {
    await app?.close();
    await fake?.stop();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('when bus.jpg is uploaded, then it is tagged with the labels, their parents, a box and its text, and q finds the text', async () => {
    const { token, auth } = await app.newUser();
    const bytes = fixture('bus.jpg');
    const id = await app.upload(token, bytes, 'image/jpeg', 'street.jpg');
    const image = await app.settled(token, id);

    expect(image.status).toBe('tagged');
    const tags = image.tags as { name: string; confidence: number; source: string; box?: object }[];
    expect(tags.map((t) => t.name)).toEqual(
      expect.arrayContaining(['bus', 'transportation', 'vehicle', 'person', 'street', 'text']),
    );
    // Below the 0.75 default: dropped.
    expect(tags.map((t) => t.name)).not.toContain('traffic light');
    expect(tags.find((t) => t.name === 'bus')).toEqual({
      name: 'bus',
      confidence: 0.9994,
      source: 'model',
      box: { x: 0.0337, y: 0.2741, w: 0.8924, h: 0.5336 },
    });
    expect(image.text).toBe('500 OPERA LOS CARMENES Herramar 55');

    // The SDK sent the stored bytes, signed for AWS_REGION.
    for (const request of fake.requests) {
      expect(request.region).toBe('eu-central-1');
      expect(request.accessKeyId).toBe(CREDENTIALS.AWS_ACCESS_KEY_ID);
      expect(request.bytes!.equals(bytes)).toBe(true);
    }
    expect(fake.requests.map((r) => r.operation).sort()).toEqual(['DetectLabels', 'DetectText']);

    const byText = await app.http.get('/images?q=carmenes').set(auth).expect(200);
    expect(byText.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    const byTag = await app.http.get('/images?tags=text,vehicle').set(auth).expect(200);
    expect(byTag.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
  });

  it('when a WebP is uploaded, then Rekognition gets a JPEG of it and the image is tagged', async () => {
    const { token } = await app.newUser();
    const asked = fake.requests.length;
    const id = await app.upload(token, fixture('squirrel.webp'), 'image/webp');
    const image = await app.settled(token, id);
    expect(image.status).toBe('tagged');
    expect((image.tags as { name: string }[]).map((t) => t.name)).toEqual(
      expect.arrayContaining(['squirrel', 'rodent', 'mammal', 'animal']),
    );
    expect(image.text).toBeUndefined();
    const sent = fake.requests.slice(asked);
    expect(sent).toHaveLength(2);
    for (const request of sent)
      expect(request.bytes!.subarray(0, 3).toString('hex')).toBe('ffd8ff');
  });
});
