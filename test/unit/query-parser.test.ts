import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/http/http-error.js';
import { ListImagesQuery } from '../../src/http/schemas.js';
import { queryParser } from '../../src/http/validate.js';

/** An app answering the parsed query of GET /q, or the 400's field errors. */
function appFor() {
  const parse = queryParser(ListImagesQuery);
  const app = express();
  app.get('/q', (req, res) => {
    const query = parse(req);
    res.json({ query, frozen: Object.isFrozen(query) && Object.isFrozen(query.tags) });
  });
  app.use(
    (error: unknown, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (!(error instanceof AppError)) return next(error);
      res.status(error.status).json({ errors: error.errors });
    },
  );
  return app;
}

describe('queryParser', () => {
  it('when the same query string comes again, then it gets the same parsed, frozen query', async () => {
    const app = appFor();

    const first = await request(app).get('/q?tags=Person,%20Dog&limit=5');
    const again = await request(app).get('/q?tags=Person,%20Dog&limit=5');

    expect(first.body).toEqual({
      query: { tags: ['person', 'dog'], tag: [], limit: 5 },
      frozen: true,
    });
    expect(again.body).toEqual(first.body);
  });

  it('when query strings differ, then each is parsed on its own', async () => {
    const app = appFor();
    await request(app).get('/q?tags=person').expect(200);

    const other = await request(app).get('/q?tag=car&tag=bus');
    const none = await request(app).get('/q');

    expect(other.body.query).toEqual({ tags: [], tag: ['car', 'bus'], limit: 20 });
    expect(none.body.query).toEqual({ tags: [], tag: [], limit: 20 });
  });

  it('when an invalid query string repeats, then it is refused every time', async () => {
    const app = appFor();

    for (let i = 0; i < 2; i += 1) {
      const response = await request(app).get('/q?limit=0');
      expect(response.status).toBe(400);
      expect(response.body.errors[0].path).toBe('limit');
    }
  });
});
