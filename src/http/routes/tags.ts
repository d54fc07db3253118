// GET /tags and GET /tags/:tag/images.
import { Router, type RequestHandler } from 'express';
import type { ImagesContext } from '../../images/context.js';
import { listTags } from '../../images/read-images.js';
import { removeTagEverywhere, renameTagEverywhere } from '../../images/edit-tags.js';
import { callerId } from '../authenticate.js';
import { asksForFresh, type ListingCache } from '../listing-cache.js';
import { methodNotAllowed } from '../problem.js';
import { sendJson, sendJsonText } from '../send-json.js';
import { PageQuery, RenameTagBody, TagPath, TagsQuery } from '../schemas.js';
import { parseBody, parsePath, queryParser } from '../validate.js';
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
      const { limit, prefix } = tagsQuery(req);
      const owner = callerId(req);
      const counts = async () =>
        JSON.stringify({ items: await listTags(ctx, owner, { limit, prefix }) });
      const fresh = asksForFresh(req.headers['cache-control']);
      const key = ['tags', limit, prefix ?? ''];
      sendJsonText(res, await listings.listing(owner, key, counts, fresh));
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/tags/:tag')
    .patch(authenticate, async (req, res) => {
      const { tag } = parsePath(TagPath, req.params);
      const { name } = parseBody(RenameTagBody, req.body);
      sendJson(res, await renameTagEverywhere(ctx, callerId(req), tag, name));
    })
    .delete(authenticate, async (req, res) => {
      const { tag } = parsePath(TagPath, req.params);
      await removeTagEverywhere(ctx, callerId(req), tag);
      res.status(204).end();
    })
    .all(methodNotAllowed(['PATCH', 'DELETE']));

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
