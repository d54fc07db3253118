// helmet's response headers, worked out once. helmet() is thirteen nested middleware that set the
// same constant headers on every response (measured about 5% of a small authenticated request);
// run once against a recording response, they become one list set in a loop. helmet stays the
// source of the headers and their values: the options are helmet's own.
import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

export function securityHeaders(options: HelmetOptions): RequestHandler {
  const headers: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers.push([name, String(value)]);
    },
    removeHeader(name: string) {
      removed.push(name);
    },
  };
  let finished = false;
  // Only the response is written to; a header that depended on the request (a CSP nonce
  // function) would not be constant, and the check below would not hold for it.
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error !== undefined)
        throw error instanceof Error ? error : new Error('helmet failed', { cause: error });
      finished = true;
    },
  );
  if (!finished) throw new Error('helmet did not set its headers synchronously');

  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}
