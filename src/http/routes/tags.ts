// GET /tags and GET /tags/:tag/images.
import { Router, type RequestHandler } from 'express';
import type { ImagesContext } from '../../images/context.js';
import { listTags } from '../../images/read-images.js';
import { callerId } from '../authenticate.js';
import type { ListingCache } from '../listing-cache.js';
import { methodNotAllowed } from '../problem.js';
import { sendJsonText } from '../send-json.js';
import { PageQuery, TagPath, TagsQuery } from '../schemas.js';
import { parsePath, queryParser } from '../validate.js';
import { listQueryOf, sendImagePage } from './images.js';

export function tagRoutes(
  ctx: ImagesContext,
  authenticate: RequestHandler,
  listings: ListingCache,
): Router {
  const router = Router();
  const tagsQuery = queryParser(TagsQuery);
  const pageQuery = queryParser(PageQuery);

  router
    .route('/tags')
    .get(authenticate, async (req, res) => {
      const { limit } = tagsQuery(req);
      const owner = callerId(req);
      const counts = async () => ({ items: await listTags(ctx, owner, limit) });
      sendJsonText(res, await listings.listing(owner, ['tags', limit], counts));
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/tags/:tag/images')
    .get(authenticate, async (req, res) => {
      const { tag } = parsePath(TagPath, req.params);
      // The same page as GET /images?tags=<tag>&…, so the same cache entry.
      const query = listQueryOf(pageQuery(req), [tag]);
      await sendImagePage(res, ctx, listings, callerId(req), query);
    })
    .all(methodNotAllowed(['GET']));

  return router;
}
