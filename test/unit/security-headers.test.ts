import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../src/http/security-headers.js';

const options = { crossOriginResourcePolicy: { policy: 'cross-origin' as const } };

function appWith(middleware: RequestHandler): express.Express {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

describe('securityHeaders', () => {
  it('when a response is sent, then it carries exactly the headers helmet would set', async () => {
    const fromHelmet = await request(appWith(helmet(options))).get('/');
    const precomputed = await request(appWith(securityHeaders(options))).get('/');

    const withoutDate = (headers: Record<string, string>) => {
      const { date, ...rest } = headers;
      expect(date).toBeDefined();
      return rest;
    };
    const actual = withoutDate(precomputed.headers);
    expect(actual).toEqual(withoutDate(fromHelmet.headers));
    expect(actual['content-security-policy']).toContain("default-src 'self'");
    expect(actual['cross-origin-resource-policy']).toBe('cross-origin');
    expect(actual['x-powered-by']).toBeUndefined();
  });
});
