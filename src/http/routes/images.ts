// /images and /images/:id: read the request, call one use case, shape the response.
import { Router, type RequestHandler, type Response } from 'express';
import type { ListQuery } from '../../catalog/image-catalog.js';
import { createUpload } from '../../images/create-upload.js';
import { deleteImage, retagImage } from '../../images/change-images.js';
import type { ImagesContext } from '../../images/context.js';
import { getImage, listImages } from '../../images/read-images.js';
import { callerId } from '../authenticate.js';
import type { ListingCache } from '../listing-cache.js';
import { methodNotAllowed } from '../problem.js';
import { sendJson, sendJsonText } from '../send-json.js';
import { createImageBody, ListImagesQuery } from '../schemas.js';
import { parseBody, queryParser } from '../validate.js';
import { imageIdParam } from './image-id.js';

/**
 * A page of the caller's images (GET /images and GET /tags/:tag/images alike), from the listing
 * cache while the owner's listings have not changed.
 */
export async function sendImagePage(
  res: Response,
  ctx: ImagesContext,
  listings: ListingCache,
  owner: string,
  query: ListQuery,
): Promise<void> {
  const { tags, limit, cursor } = query;
  const page = ['images', tags, limit, cursor ?? null];
  sendJsonText(res, await listings.listing(owner, page, () => listImages(ctx, owner, query)));
}

export function imageRoutes(
  ctx: ImagesContext,
  authenticate: RequestHandler,
  maxUploadBytes: number,
  listings: ListingCache,
): Router {
  const router = Router();
  const CreateImage = createImageBody(maxUploadBytes);
  const listQuery = queryParser(ListImagesQuery);

  router
    .route('/images')
    .get(authenticate, async (req, res) => {
      const query = listQuery(req);
      // Sorted: the same tags in another order are the same page, and the same cache entry.
      const tags = [...new Set([...query.tags, ...query.tag])].sort();
      const { limit, cursor } = query;
      await sendImagePage(res, ctx, listings, callerId(req), { tags, limit, cursor });
    })
    .post(authenticate, async (req, res) => {
      const body = parseBody(CreateImage, req.body);
      const created = await createUpload(ctx, callerId(req), body);
      res.status(201).location(`/images/${created.image.id}`);
      sendJson(res, created);
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router
    .route('/images/:id')
    .get(authenticate, async (req, res) => {
      sendJson(res, await getImage(ctx, callerId(req), imageIdParam(req)));
    })
    .delete(authenticate, async (req, res) => {
      await deleteImage(ctx, callerId(req), imageIdParam(req));
      res.status(204).end();
    })
    .all(methodNotAllowed(['GET', 'DELETE']));

  router
    .route('/images/:id/retag')
    .post(authenticate, async (req, res) => {
      const image = await retagImage(ctx, callerId(req), imageIdParam(req));
      res.status(202);
      sendJson(res, image);
    })
    .all(methodNotAllowed(['POST']));

  return router;
}
