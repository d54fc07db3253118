// ClarifaiTagger against the gRPC fake of Clarifai (test/support/clarifai-fake.ts) over a real
// plaintext channel on 127.0.0.1, and its PAT read from a small HTTP fake of SSM's JSON API.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TransientError, UnprocessableImageError } from '../../src/domain/errors.js';
import {
  clarifaiTarget,
  createClarifaiTagger,
  type ClarifaiTagger,
  type ClarifaiTaggerOptions,
} from '../../src/tagging/clarifai.js';
import { startClarifaiFake, type ClarifaiFake } from '../support/clarifai-fake.js';
import { fixture, imageToTag, tagBytes, taggerContract } from './tagger.contract.js';

const PAT = 'pat-for-the-fake-0123456789';
const names = (tags: { name: string }[]) => tags.map((t) => t.name);

taggerContract('clarifai over gRPC (fake)', async () => {
  const fake = await startClarifaiFake({ pat: PAT });
  const tagger = await createClarifaiTagger({ pat: PAT, endpoint: fake.address });
  return { tagger, teardown: () => fake.stop() };
});

interface SsmCall {
  target: string | undefined;
  body: { Name?: string; WithDecryption?: boolean };
}

/** SSM's JSON protocol for GetParameter, on 127.0.0.1: enough for the SDK's real client. */
async function startSsmFake(parameters: Map<string, string>) {
  const calls: SsmCall[] = [];
  let failures: { left: number; status: number; type: string } = { left: 0, status: 0, type: '' };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as SsmCall['body'];
  };
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const call = {
      target: req.headers['x-amz-target'] as string | undefined,
      body: await readBody(req),
    };
    calls.push(call);
    const error = (status: number, type: string) => {
      res.writeHead(status, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': type,
      });
      res.end(JSON.stringify({ __type: type, message: type }));
    };
    if (failures.left > 0) {
      failures.left -= 1;
      return error(failures.status, failures.type);
    }
    const value = parameters.get(call.body.Name ?? '');
    if (call.target !== 'AmazonSSM.GetParameter' || value === undefined) {
      return error(400, 'ParameterNotFound');
    }
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(
      JSON.stringify({
        Parameter: { Name: call.body.Name, Type: 'SecureString', Value: value, Version: 1 },
      }),
    );
  };
  const server: Server = createServer((req, res) => void answer(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    calls,
    client: new SSMClient({
      endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1, // the tagger decides about retries; each call here is one request
    }),
    failNext(n: number, status: number, type: string) {
      failures = { left: n, status, type };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('ClarifaiTagger', () => {
  let fake: ClarifaiFake;
  const taggers: ClarifaiTagger[] = [];
  let delays: number[];

  /** A tagger on the fake whose back-off waits are recorded instead of slept. */
  const tagger = async (options: Partial<ClarifaiTaggerOptions> = {}) => {
    const made = await createClarifaiTagger({
      pat: PAT,
      endpoint: fake.address,
      retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.5,
      ...options,
    });
    taggers.push(made);
    return made;
  };

  beforeAll(async () => {
    fake = await startClarifaiFake({ pat: PAT, slowMs: 10_000 });
  });
  beforeEach(() => {
    fake.reset();
    delays = [];
  });
  afterEach(async () => {
    await Promise.all(taggers.splice(0).map((t) => t.close()));
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('when it tags an image, then the request carries the PAT, the model ids and the bytes inline, never a URL', async () => {
    const bytes = await fixture('astronaut.png');
    await tagBytes(await tagger(), bytes, 'image/png');

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request).toMatchObject({
      authorization: `Key ${PAT}`,
      modelId: 'general-image-recognition',
      userId: 'clarifai',
      appId: 'main',
    });
    expect(request!.inputs).toHaveLength(1);
    expect(request!.inputs[0]!.bytes.equals(bytes)).toBe(true);
    expect(request!.inputs[0]!.url).toBe('');
  });

  it('when it tags an image, then every concept comes back with its score, below the cut-off too', async () => {
    const tags = await tagBytes(await tagger(), await fixture('bus.jpg'), 'image/jpeg');
    expect(tags).toEqual([
      { name: 'bus', confidence: expect.closeTo(0.97, 5) },
      { name: 'vehicle', confidence: expect.closeTo(0.96, 5) },
      { name: 'transportation system', confidence: expect.closeTo(0.93, 5) },
      { name: 'street', confidence: expect.closeTo(0.88, 5) },
    ]);
  });

  it('when Clarifai throttles twice, then the third attempt answers after two growing, jittered back-offs', async () => {
    fake.failNext(2, 'throttled');
    const tags = await tagBytes(await tagger(), await fixture('astronaut.png'), 'image/png');
    expect(names(tags)).toContain('person');
    expect(fake.requests).toHaveLength(3);
    // cap = 100 ms × 2^(attempt-1); half fixed, half jittered (random() = 0.5 here).
    expect(delays).toEqual([75, 150]);
  });

  it('when Clarifai stays unavailable, then it rejects with TransientError once every attempt failed', async () => {
    fake.failNext(Infinity, 'unavailable');
    const error: unknown = await tagBytes(
      await tagger(),
      await fixture('astronaut.png'),
      'image/png',
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/unavailable after 3 attempts/);
    expect(fake.requests).toHaveLength(3);
    expect(delays).toHaveLength(2);
  });

  it('when a call outlives its deadline, then it is tried again, and the retry answers', async () => {
    fake.failNext(1, 'slow');
    const started = performance.now();
    const tags = await tagBytes(await tagger({ timeoutMs: 200 }), await fixture('bus.jpg'));
    expect(names(tags)).toContain('bus');
    expect(fake.requests).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(5_000); // not the fake's 10 s
  });

  it('when every call outlives its deadline, then it rejects with TransientError', async () => {
    fake.failNext(Infinity, 'slow');
    const started = performance.now();
    const error: unknown = await tagBytes(
      await tagger({ timeoutMs: 150 }),
      await fixture('bus.jpg'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(fake.requests).toHaveLength(3);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('when the PAT is wrong, then a plain Error blames our credentials, once, without showing the PAT', async () => {
    const wrong = 'a-wrong-pat-9876543210';
    const error: unknown = await tagBytes(
      await tagger({ pat: wrong }),
      await fixture('bus.jpg'),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error).not.toBeInstanceOf(UnprocessableImageError);
    expect((error as Error).message).toMatch(/refused our credentials.*11008/);
    expect((error as Error).message).not.toContain(wrong);
    expect(fake.requests).toHaveLength(1); // retrying cannot fix a key
  });

  it('when Clarifai cannot decode the bytes, then UnprocessableImageError at once, no retry', async () => {
    const text = Buffer.from('not a photo\n'.repeat(50));
    // Bytes Clarifai cannot read beside pixels that were read here: it sends the bytes only.
    const upload = { ...(await imageToTag(await fixture('astronaut.png'))), bytes: text };
    await expect((await tagger()).tag(upload)).rejects.toBeInstanceOf(UnprocessableImageError);
    expect(fake.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('when no PAT and no parameter are given, then creating the tagger fails', async () => {
    await expect(createClarifaiTagger({ endpoint: fake.address })).rejects.toThrow(/CLARIFAI_PAT/);
  });

  it('when no endpoint is configured, then it talks TLS to api.clarifai.com; with one, plaintext to it', () => {
    expect(clarifaiTarget()).toEqual({ address: 'api.clarifai.com:443', secure: true });
    expect(clarifaiTarget('127.0.0.1:5005')).toEqual({ address: '127.0.0.1:5005', secure: false });
  });

  describe('with the PAT in an SSM SecureString', () => {
    const NAME = '/pixtag/clarifai-pat';
    let ssm: Awaited<ReturnType<typeof startSsmFake>>;
    let parameters: Map<string, string>;

    beforeEach(async () => {
      parameters = new Map([[NAME, PAT]]);
      ssm = await startSsmFake(parameters);
    });
    afterEach(async () => {
      ssm.client.destroy();
      await ssm.stop();
    });

    const ssmTagger = () => tagger({ pat: undefined, patParameter: NAME, ssmClient: ssm.client });

    it('when many images are tagged, the first ones at once, then the parameter is read once, decrypted', async () => {
      const t = await ssmTagger();
      const bus = await fixture('bus.jpg');
      const first = await Promise.all([1, 2, 3, 4].map(() => tagBytes(t, bus, 'image/jpeg')));
      for (let i = 0; i < 3; i++) await tagBytes(t, bus, 'image/jpeg');

      expect(first.map(names).every((n) => n.includes('bus'))).toBe(true);
      expect(ssm.calls).toEqual([
        { target: 'AmazonSSM.GetParameter', body: { Name: NAME, WithDecryption: true } },
      ]);
      expect(fake.requests).toHaveLength(7);
      expect(fake.requests.every((r) => r.authorization === `Key ${PAT}`)).toBe(true);
    });

    it('when SSM fails once, then that tag is a TransientError and the next one reads it again', async () => {
      ssm.failNext(1, 500, 'InternalServerError');
      const t = await ssmTagger();
      const bus = await fixture('bus.jpg');
      await expect(tagBytes(t, bus)).rejects.toBeInstanceOf(TransientError);
      expect(fake.requests).toHaveLength(0);
      expect(names(await tagBytes(t, bus))).toContain('bus');
      expect(ssm.calls).toHaveLength(2);
    });

    it('when the parameter does not exist, then a plain Error names it', async () => {
      parameters.clear();
      const error: unknown = await tagBytes(await ssmTagger(), await fixture('bus.jpg')).catch(
        (e: unknown) => e,
      );
      expect(error).not.toBeInstanceOf(TransientError);
      expect((error as Error).message).toMatch(/\/pixtag\/clarifai-pat: ParameterNotFound/);
    });

    it('when Clarifai refuses the PAT in SSM and an operator fixes it, then the next tag uses the new one', async () => {
      parameters.set(NAME, 'an-old-revoked-pat');
      const t = await ssmTagger();
      const bus = await fixture('bus.jpg');
      const error: unknown = await tagBytes(t, bus).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/refused our credentials/);
      expect((error as Error).message).not.toContain('an-old-revoked-pat');

      parameters.set(NAME, PAT);
      expect(names(await tagBytes(t, bus))).toContain('bus');
      expect(ssm.calls).toHaveLength(2);
    });
  });
});
