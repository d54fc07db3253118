// GET /vocabulary: what the running tagger can emit (its labels and their broader words), so a
// client can offer them as search suggestions. From the tagger's descriptor: the model is never
// loaded for it, so it answers as fast in the Lambda `api` function, which has no model.
import { Router, type RequestHandler } from 'express';
import type { Vocabulary } from '../../tagging/tagger.js';
import { methodNotAllowed } from '../problem.js';
import { sendJson } from '../send-json.js';

export function vocabularyRoutes(
  vocabulary: () => Promise<Vocabulary>,
  authenticate: RequestHandler,
): Router {
  const router = Router();
  router
    .route('/vocabulary')
    .get(authenticate, async (_req, res) => {
      sendJson(res, await vocabulary());
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
