// /files/{key} in /openapi.json: the local store's stand-in for S3's presigned URLs
// (http/routes/files.ts), mounted only with STORAGE=local. Clients never build these URLs: they
// use the `upload` and `url` that POST /images and GET /images/{id} give, exactly as given.
import { ALLOWED_IMAGE_TYPES } from '../domain/content-types.js';
import { problem, publicRoute } from './openapi-parts.js';

const query = (name: string, schema: object, description: string) => ({
  name,
  in: 'query',
  required: true,
  description,
  schema,
});

const key = {
  name: 'key',
  in: 'path',
  required: true,
  description: 'The object key the URL was signed for, slashes included (`u/<owner>/<image id>`).',
  schema: { type: 'string' },
};
const expires = query('expires', { type: 'integer' }, 'When the URL expires, in Unix seconds.');
const signature = query(
  'signature',
  { type: 'string' },
  'HMAC-SHA256 of the method, key, content type, size and expiry (base64url).',
);
// The bytes are the image itself; each allowed type is its own media type, as the URL signed it.
const imageBytes = Object.fromEntries(ALLOWED_IMAGE_TYPES.map((type) => [type, {}]));
const refused = problem(
  'Not signed, signed for something else (key, type, size), or expired: ask for a new URL',
);

export function localFilePaths() {
  return {
    '/files/{key}': {
      put: {
        operationId: 'uploadFile',
        tags: ['files'],
        summary: 'Upload the bytes of an image to the signed URL POST /images gave',
        description:
          'Send the `upload.headers` given with the URL: `Content-Type` and `Content-Length` must be the signed ones. The signature is the credential, so no token is needed. Once the last byte is stored the image is queued for tagging.',
        ...publicRoute,
        parameters: [
          key,
          query(
            'contentType',
            { type: 'string', enum: ALLOWED_IMAGE_TYPES },
            'The signed content type.',
          ),
          query('size', { type: 'integer', minimum: 1 }, 'The signed size in bytes.'),
          expires,
          signature,
        ],
        requestBody: {
          required: true,
          description: 'The image, exactly `size` bytes.',
          content: imageBytes,
        },
        responses: {
          '200': { description: 'Stored, and queued for tagging' },
          '400': problem('The body ended before `size` bytes, or Content-Length is not `size`'),
          '403': refused,
          '413': problem('More bytes than the signed `size`'),
        },
      },
      get: {
        operationId: 'downloadFile',
        tags: ['files'],
        summary: 'Download an image or thumbnail through the signed `url` or `thumbnailUrl`',
        ...publicRoute,
        parameters: [key, expires, signature],
        responses: {
          '200': {
            description:
              'The bytes; an object that is not one of the image types is sent as an attachment',
            content: { ...imageBytes, 'application/octet-stream': {} },
          },
          '403': refused,
          '404': problem('No such file'),
        },
      },
    },
  };
}
