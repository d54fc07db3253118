// Slows down password guessing on POST /signin: only failed sign-ins count, per client IP and
// username together, so one attacker cannot lock every user out by failing against their names
// from one address, and one user's failures do not block anyone else. Mount it after the JSON
// body parser (it reads `username`) and before the route. The counts live in memory, per
// process: enough for one server; N containers or Lambdas each count on their own.
import type express from 'express';
import {
  ipKeyGenerator,
  rateLimit,
  type AugmentedRequest,
  type RateLimitRequestHandler,
} from 'express-rate-limit';
import { tooManyRequests } from './http-error.js';

export interface SignInRateLimitOptions {
  windowMs?: number;
  maxFailures?: number;
}

/** Longer than any valid username; caps what a junk body can put into the store's keys. */
const MAX_KEYED_USERNAME = 256;

export function createSignInRateLimit(
  options: SignInRateLimitOptions = {},
): RateLimitRequestHandler {
  const { windowMs = 15 * 60_000, maxFailures = 5 } = options;
  return rateLimit({
    windowMs,
    limit: maxFailures,
    skipSuccessfulRequests: true,
    // Only a refused password is a guess; a 400 for a malformed body or a 5xx is not.
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // ipKeyGenerator folds an IPv6 address into its /56, which one client usually owns whole.
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')} ${usernameOf(req)}`,
    handler: (req, _res, next, used) => {
      const resetTime = (req as AugmentedRequest)[used.requestPropertyName]?.resetTime;
      const seconds = resetTime
        ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000))
        : Math.ceil(windowMs / 1000);
      next(
        tooManyRequests(
          `Too many failed sign-ins for this username; try again in ${seconds} seconds.`,
          seconds,
        ),
      );
    },
  });
}

function usernameOf(req: express.Request): string {
  const body: unknown = req.body;
  const username =
    typeof body === 'object' && body !== null && 'username' in body ? body.username : undefined;
  return typeof username === 'string' ? username.slice(0, MAX_KEYED_USERNAME).toLowerCase() : '';
}
