// /files/*: the local store's stand-in for S3's signed URLs. PUT stores an upload (then queues
// it for tagging); GET serves a download. Mounted only with STORAGE=local. The endpoint refuses
// with domain errors (UploadRejected…), which the error handler answers.
import { Router, type Request } from 'express';
import type { ProcessingQueue } from '../../jobs/processing-queue.js';
import { sniffImageType } from '../../imaging/sniff-image-type.js';
import { notFound } from '../http-error.js';
import { BlobNotFoundError } from '../../storage/blob-store.js';
import type { UploadEndpoint } from '../../storage/local-upload-endpoint.js';
import { methodNotAllowed } from '../problem.js';

export function fileRoutes(endpoint: UploadEndpoint, processing: ProcessingQueue): Router {
  const router = Router();
  const keyOf = (req: Request) => ([] as string[]).concat(req.params.key ?? []).join('/');

  router
    .route('/files/*key')
    .put(async (req, res) => {
      const key = keyOf(req);
      const terms = endpoint.verifyRequest({
        method: 'PUT',
        key,
        query: req.query,
        contentType: req.get('content-type'),
        contentLength: req.get('content-length'),
      });
      await endpoint.write(key, req, terms.size!);
      await processing.enqueue(key);
      res.status(200).end();
    })
    .get(async (req, res) => {
      const key = keyOf(req);
      const terms = endpoint.verifyRequest({ method: 'GET', key, query: req.query });
      const { stream, size, head } = await endpoint.openRead(key).catch((error: unknown) => {
        throw error instanceof BlobNotFoundError ? notFound('The file') : error;
      });
      // Served as an image only when it really is one: a stored HTML or SVG file can never run
      // as a page on this origin.
      const type = sniffImageType(head);
      res.set({
        'Content-Type': type ?? 'application/octet-stream',
        'Content-Length': String(size),
        'Cache-Control': `private, max-age=${Math.max(0, terms.expires - Math.floor(Date.now() / 1000))}`,
        'Content-Security-Policy': "default-src 'none'; sandbox",
      });
      if (!type) res.set('Content-Disposition', 'attachment');
      stream.pipe(res);
    })
    .all(methodNotAllowed(['GET', 'PUT']));

  return router;
}
