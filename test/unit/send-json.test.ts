import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sendJson } from '../../src/http/send-json.js';

// Long enough (over 1,000 characters) for res.send's Buffer path, with multi-byte characters.
const body = {
  items: Array.from({ length: 30 }, (_, i) => ({ name: `traffic light ${i} – ünïcödé 🚦` })),
  nextCursor: null,
};

function app(): express.Express {
  const served = express();
  served.set('etag', false);
  served.get('/fast', (_req, res) => {
    res.status(201);
    sendJson(res, body);
  });
  served.get('/express', (_req, res) => {
    res.status(201).json(body);
  });
  return served;
}

describe('sendJson', () => {
  it('when a body is sent, then status, headers and bytes are those of res.json', async () => {
    const fast = await request(app()).get('/fast');
    const reference = await request(app()).get('/express');

    expect(fast.status).toBe(201);
    expect(fast.headers['content-type']).toBe(reference.headers['content-type']);
    expect(fast.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(fast.headers['content-length']).toBe(reference.headers['content-length']);
    expect(fast.text).toBe(reference.text);
    expect(fast.body).toEqual(body);
  });

  it('when the request is HEAD, then the same headers come without a body', async () => {
    const head = await request(app()).head('/fast');
    const get = await request(app()).get('/fast');

    expect(head.status).toBe(201);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.text).toBeUndefined();
  });
});
