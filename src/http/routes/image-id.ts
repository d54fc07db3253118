// The :id path parameter of /images/:id routes, read once for all of them. HTTP only: a
// malformed id is an http-error 404 here, before any use case or port sees it.
import type { Request } from 'express';
import { notFound } from '../http-error.js';

const IMAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A malformed id answers 404, exactly as an unknown one: ids are not a thing clients build. */
export function imageIdParam(req: Request): string {
  const id = String(req.params.id ?? '').toLowerCase();
  if (!IMAGE_ID.test(id)) throw notFound('The image');
  return id;
}
