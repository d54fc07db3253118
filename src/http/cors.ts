// CORS on every response, errors and 401s included (so a browser client can read them), and
// 204 for preflights. Small enough not to need a dependency.
import type { RequestHandler } from 'express';

const EXPOSED = 'WWW-Authenticate, X-Request-Id, Retry-After, Location';

export function cors(allowed: '*' | string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (allowed === '*') {
      res.setHeader('Access-Control-Allow-Origin', '*');
    } else {
      res.vary('Origin');
      if (origin && allowed.includes(origin)) res.setHeader('Access-Control-Allow-Origin', origin);
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    if (req.method === 'OPTIONS') {
      res.set({
        'Access-Control-Allow-Methods': 'GET, HEAD, POST, PUT, DELETE, OPTIONS',
        'Access-Control-Allow-Headers':
          req.get('access-control-request-headers') ?? 'Authorization, Content-Type, X-Request-Id',
        'Access-Control-Max-Age': '600',
      });
      res.status(204).end();
      return;
    }
    next();
  };
}
