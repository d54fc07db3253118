// /images and /images/:id: read the request, call one use case, shape the response.
import { Router, type RequestHandler, type Response } from 'express';
import type { ListQuery } from '../../catalog/image-catalog.js';
import { createUpload } from '../../images/create-upload.js';
import { deleteImage, retagImage } from '../../images/change-images.js';
import type { ImagesContext } from '../../images/context.js';
import { getImage, listImages } from '../../images/read-images.js';
import { callerId } from '../authenticate.js';
import { imagePageJson } from '../image-page-json.js';
import { asksForFresh, imageListingKey, type ListingCache } from '../listing-cache.js';
import { methodNotAllowed } from '../problem.js';
import { sendJson, sendJsonText } from '../send-json.js';
import { createImageBody, ListImagesQuery } from '../schemas.js';
import type * as z from 'zod';
import { parseBody, queryParser } from '../validate.js';
import { imageIdParam } from './image-id.js';

type ListingQuery = z.output<typeof ListImagesQuery>;

/**
 * A page of the caller's images (GET /images and GET /tags/:tag/images alike), from the listing
 * cache while the owner's listings have not changed (and the client did not ask for a fresh one).
 */
export async function sendImagePage(
  res: Response,
  ctx: ImagesContext,
  listings: ListingCache,
  owner: string,
  query: ListQuery,
): Promise<void> {
  const page = imageListingKey(query);
  const make = async () => imagePageJson(await listImages(ctx, owner, query));
  const fresh = asksForFresh(res.req.headers['cache-control']);
  sendJsonText(res, await listings.listing(owner, page, make, fresh));
}

/** The catalog's query from a parsed listing query string, with `tags` and `tag` as one AND. */
export function listQueryOf(query: ListingQuery, moreTags: string[] = []): ListQuery {
  const { anyTags, notTags, status, untagged, q, order, limit, cursor } = query;
  const tags = [...new Set([...moreTags, ...query.tags, ...query.tag])];
  return { tags, anyTags, notTags, status, untagged, q, order, limit, cursor };
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
      const query = listQueryOf(listQuery(req));
      await sendImagePage(res, ctx, listings, callerId(req), query);
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
