// POST /signup and POST /signin.
import { Router, type RequestHandler } from 'express';
import type { IdentityProvider } from '../../identity/identity-provider.js';
import { methodNotAllowed } from '../problem.js';
import { Credentials } from '../schemas.js';
import { parseBody } from '../validate.js';

export function authRoutes(identity: IdentityProvider, signInRateLimit: RequestHandler): Router {
  const router = Router();

  router
    .route('/signup')
    .post(async (req, res) => {
      const { username, password } = parseBody(Credentials, req.body);
      await identity.signUp(username, password);
      res.status(201).json({ message: 'Created' });
    })
    .all(methodNotAllowed(['POST']));

  router
    .route('/signin')
    .post(signInRateLimit, async (req, res) => {
      const { username, password } = parseBody(Credentials, req.body);
      res.json(await identity.signIn(username, password));
    })
    .all(methodNotAllowed(['POST']));

  return router;
}
