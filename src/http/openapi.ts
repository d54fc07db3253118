// GET /openapi.json: the OpenAPI 3.1 document, generated from the zod schemas that validate the
// requests (http/schemas.ts), so the docs cannot drift from the behaviour. `npm run lint` lints
// it with Redocly (scripts/lint-openapi.ts, rules in redocly.yaml); GET /docs shows it to people.
import packageJson from '../../package.json' with { type: 'json' };
import { localFilePaths } from './openapi-files.js';
import {
  authErrors,
  freshListing,
  imageId,
  invalid,
  json,
  jsonBody,
  notFound,
  notJson,
  problem,
  publicRoute,
  queryParameters,
  secured,
  tagName,
} from './openapi-parts.js';
import { tagEditPaths } from './openapi-tag-edits.js';
import * as S from './schemas.js';

const TAGS = [
  { name: 'accounts', description: 'Sign up, and sign in for the bearer token the rest needs.' },
  {
    name: 'images',
    description: 'Your images: upload, list and search (tags, status, words), delete, retag.',
  },
  {
    name: 'tags',
    description: 'The tags on your images: counts, and your own edits (add, remove, rename).',
  },
  {
    name: 'files',
    description:
      'The signed URLs of the local store (STORAGE=local only; with S3 they point at the bucket).',
  },
  { name: 'service', description: 'Health, this document, and its reference page.' },
];

export function buildOpenApiDocument(options: { maxUploadBytes: number }) {
  const createImage = S.createImageBody(options.maxUploadBytes);
  return {
    openapi: '3.1.0',
    info: {
      title: 'pixtag',
      version: packageJson.version,
      description:
        'Image tagging: upload through a signed URL, get tags from an image-recognition model, find images by tag. Errors are RFC 9457 problem details.',
      license: { name: packageJson.license, identifier: packageJson.license },
    },
    // Relative to this document, so the one document fits wherever the app is mounted: the plain
    // server's root, and an API Gateway stage (https://…/prod/openapi.json → https://…/prod/).
    servers: [{ url: '.', description: 'Where this document is served from' }],
    // Every route needs a token unless it says otherwise (the public ones say `security: []`).
    security: [{ bearer: [] }],
    tags: TAGS,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    paths: {
      '/signup': {
        post: {
          operationId: 'signUp',
          tags: ['accounts'],
          summary: 'Create an account',
          ...publicRoute,
          requestBody: jsonBody(S.Credentials),
          responses: {
            '201': { description: 'Created', content: json(S.Message) },
            ...invalid,
            '409': problem('Username taken'),
            '413': problem('Body over 16 KiB'),
            ...notJson,
          },
        },
      },
      '/signin': {
        post: {
          operationId: 'signIn',
          tags: ['accounts'],
          summary: 'Get a bearer token',
          ...publicRoute,
          requestBody: jsonBody(S.Credentials),
          responses: {
            '200': { description: 'Signed in', content: json(S.Session) },
            ...invalid,
            '401': problem('Incorrect username or password'),
            ...notJson,
            '429': problem('Too many failed sign-ins; see Retry-After'),
          },
        },
      },
      '/images': {
        get: {
          operationId: 'listImages',
          tags: ['images'],
          summary: 'List and search your images, newest first (filters combine with AND)',
          ...secured,
          parameters: [...queryParameters(S.ListImagesQuery), freshListing],
          responses: {
            '200': { description: 'A page of images', content: json(S.ImagePage) },
            ...invalid,
            ...authErrors,
          },
        },
        post: {
          operationId: 'createImage',
          tags: ['images'],
          summary: 'Create an image and a signed URL to PUT its bytes to',
          ...secured,
          requestBody: jsonBody(createImage),
          responses: {
            '201': {
              description: 'Pending image and upload instructions',
              content: json(S.CreatedImage),
            },
            ...invalid,
            ...authErrors,
            ...notJson,
          },
        },
      },
      '/images/{id}': {
        get: {
          operationId: 'getImage',
          tags: ['images'],
          summary: 'One image with its tags',
          ...secured,
          parameters: [imageId],
          responses: {
            '200': { description: 'The image', content: json(S.Image) },
            ...authErrors,
            ...notFound,
          },
        },
        delete: {
          operationId: 'deleteImage',
          tags: ['images'],
          summary: 'Delete an image, its file and its tags',
          ...secured,
          parameters: [imageId],
          responses: { '204': { description: 'Deleted' }, ...authErrors, ...notFound },
        },
      },
      '/images/{id}/retag': {
        post: {
          operationId: 'retagImage',
          tags: ['images'],
          summary: 'Tag the image again (asynchronously)',
          ...secured,
          parameters: [imageId],
          responses: {
            '202': { description: 'Pending again', content: json(S.Image) },
            ...authErrors,
            ...notFound,
          },
        },
      },
      '/tags': {
        get: {
          operationId: 'listTags',
          tags: ['tags'],
          summary:
            "Your tags (the model's and yours) with how many images carry each, most used first",
          ...secured,
          parameters: [...queryParameters(S.TagsQuery), freshListing],
          responses: {
            '200': { description: 'Tag counts', content: json(S.TagCounts) },
            ...invalid,
            ...authErrors,
          },
        },
      },
      '/tags/{tag}/images': {
        get: {
          operationId: 'listImagesWithTag',
          tags: ['tags'],
          summary: 'Your images having this tag (same as GET /images?tags=tag)',
          ...secured,
          parameters: [tagName, ...queryParameters(S.PageQuery), freshListing],
          responses: {
            '200': { description: 'A page of images', content: json(S.ImagePage) },
            ...invalid,
            ...authErrors,
          },
        },
      },
      '/vocabulary': {
        get: {
          operationId: 'getVocabulary',
          tags: ['tags'],
          summary: 'What the running tagger can emit, to suggest as searches',
          ...secured,
          responses: {
            '200': { description: 'The vocabulary', content: json(S.Vocabulary) },
            ...authErrors,
          },
        },
      },
      ...tagEditPaths(),
      ...localFilePaths(),
      '/health': {
        get: {
          operationId: 'getHealth',
          tags: ['service'],
          summary: 'Liveness; touches no backing service',
          ...publicRoute,
          responses: { '200': { description: 'Up', content: json(S.Health) } },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          tags: ['service'],
          summary: 'This document',
          ...publicRoute,
          responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': {} } } },
        },
      },
      '/docs': {
        get: {
          operationId: 'getDocs',
          tags: ['service'],
          summary: 'This document as a page to read (Swagger UI, served by the app itself)',
          ...publicRoute,
          responses: {
            '200': { description: 'The reference page', content: { 'text/html': {} } },
            '404': problem('The page is not built here: `npm run build` builds it'),
          },
        },
      },
    },
  };
}
