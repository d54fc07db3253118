// A person's tag edits: PUT/DELETE /images/:id/tags/:tag and POST /images/tags (bulk).
// Read the request, call one use case (images/edit-tags.ts), shape the response.
import { Router, type RequestHandler } from 'express';
import type { ImagesContext } from '../../images/context.js';
import { addImageTag, editImageTags, removeImageTag } from '../../images/edit-tags.js';
import { callerId } from '../authenticate.js';
import { methodNotAllowed } from '../problem.js';
import { TagEditBody, TagPath } from '../schemas.js';
import { sendJson } from '../send-json.js';
import { parseBody, parsePath } from '../validate.js';
import { imageIdParam } from './image-id.js';

/** Mount before /images/:id, which would otherwise take `tags` for an id. */
export function imageTagRoutes(ctx: ImagesContext, authenticate: RequestHandler): Router {
  const router = Router();

  router
    .route('/images/tags')
    .post(authenticate, async (req, res) => {
      const { ids, add = [], remove = [] } = parseBody(TagEditBody, req.body);
      sendJson(res, { items: await editImageTags(ctx, callerId(req), ids, { add, remove }) });
    })
    .all(methodNotAllowed(['POST']));

  router
    .route('/images/:id/tags/:tag')
    .put(authenticate, async (req, res) => {
      const id = imageIdParam(req);
      const { tag } = parsePath(TagPath, { tag: req.params.tag });
      sendJson(res, await addImageTag(ctx, callerId(req), id, tag));
    })
    .delete(authenticate, async (req, res) => {
      const id = imageIdParam(req);
      const { tag } = parsePath(TagPath, { tag: req.params.tag });
      sendJson(res, await removeImageTag(ctx, callerId(req), id, tag));
    })
    .all(methodNotAllowed(['PUT', 'DELETE']));

  return router;
}
