// GET /health touches no backing service: a cold start or a load balancer never waits on one.
import { Router } from 'express';
import { methodNotAllowed } from '../problem.js';

export function healthRoutes(): Router {
  const router = Router();
  router
    .route('/health')
    .get((_req, res) => {
      res.set('Cache-Control', 'no-store').json({ status: 'ok' });
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
