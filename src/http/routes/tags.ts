// GET /tags and GET /tags/:tag/images.
import { Router, type RequestHandler } from 'express';
import type { ImagesContext } from '../../images/context.js';
import { listImages, listTags } from '../../images/read-images.js';
import { callerId } from '../authenticate.js';
import { methodNotAllowed } from '../problem.js';
import { sendJson } from '../send-json.js';
import { PageQuery, TagPath, TagsQuery } from '../schemas.js';
import { parsePath, queryParser } from '../validate.js';

export function tagRoutes(ctx: ImagesContext, authenticate: RequestHandler): Router {
  const router = Router();
  const tagsQuery = queryParser(TagsQuery);
  const pageQuery = queryParser(PageQuery);

  router
    .route('/tags')
    .get(authenticate, async (req, res) => {
      const { limit } = tagsQuery(req);
      sendJson(res, { items: await listTags(ctx, callerId(req), limit) });
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/tags/:tag/images')
    .get(authenticate, async (req, res) => {
      const { tag } = parsePath(TagPath, req.params);
      const { limit, cursor } = pageQuery(req);
      sendJson(res, await listImages(ctx, callerId(req), { tags: [tag], limit, cursor }));
    })
    .all(methodNotAllowed(['GET']));

  return router;
}
