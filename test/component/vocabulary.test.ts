// GET /vocabulary on the real local app: what the running tagger can emit, from its descriptor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COCO_PARENTS } from '../../src/tagging/broader-words.js';
import { normaliseTagName } from '../../src/domain/tag-name.js';
import { startTestApp, type TestApp } from '../support/local-app.js';

describe('GET /vocabulary', () => {
  let local: TestApp;
  let clarifai: TestApp;
  let rekognition: TestApp;

  beforeAll(async () => {
    local = await startTestApp();
    // Never contacted: the vocabulary comes from the descriptor, not from the service.
    clarifai = await startTestApp({
      TAGGER: 'clarifai',
      CLARIFAI_PAT: 'not-a-real-pat',
      CLARIFAI_ENDPOINT: '127.0.0.1:9',
    });
    rekognition = await startTestApp({
      TAGGER: 'rekognition',
      AWS_REGION: 'eu-west-1',
      REKOGNITION_ENDPOINT: 'http://127.0.0.1:9',
    });
  });

  afterAll(async () => {
    await local?.close();
    await clarifai?.close();
    await rekognition?.close();
  });

  it('when the local model tags, then its 80 labels and their broader words are listed, each once, as tag names', async () => {
    const { auth } = await local.newUser();
    const response = await local.http.get('/vocabulary').set(auth);
    expect(response.status).toBe(200);
    const { tagger, labels } = response.body as { tagger: string; labels: string[] };
    expect(tagger).toBe('local');
    expect(labels).toEqual(expect.arrayContaining(['cat', 'traffic light', 'animal', 'vehicle']));
    expect(labels).toEqual(expect.arrayContaining(Object.keys(COCO_PARENTS)));
    // From the faces BlazeFace finds.
    expect(labels).toEqual(expect.arrayContaining(['face', 'portrait', 'group']));
    expect(new Set(labels).size).toBe(labels.length);
    // Every name is already what a tag name normalises to, so a client can search it as is.
    for (const name of labels) expect(normaliseTagName(name)).toBe(name);
  });

  it('when Clarifai tags, then the vocabulary is open (null), and the service is not called for it', async () => {
    const { auth } = await clarifai.newUser();
    const response = await clarifai.http.get('/vocabulary').set(auth);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ tagger: 'clarifai', labels: null });
  });

  it('when Rekognition tags, then the vocabulary is open (null), and Rekognition is not called for it', async () => {
    const { auth } = await rekognition.newUser();
    const response = await rekognition.http.get('/vocabulary').set(auth);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ tagger: 'rekognition', labels: null });
  });

  it('when there is no token, then 401', async () => {
    expect((await local.http.get('/vocabulary')).status).toBe(401);
    expect((await local.http.post('/vocabulary')).status).toBe(405);
  });
});
