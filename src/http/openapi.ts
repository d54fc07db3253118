// GET /openapi.json: the OpenAPI 3.1 document, generated from the zod schemas that validate the
// requests (http/schemas.ts), so the docs cannot drift from the behaviour.
import * as z from 'zod';
import * as S from './schemas.js';

type JsonSchema = Record<string, unknown>;

const requestSchema = (schema: z.ZodType): JsonSchema =>
  strip(z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }));
const responseSchema = (schema: z.ZodType): JsonSchema =>
  strip(z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12', unrepresentable: 'any' }));

function strip(schema: JsonSchema): JsonSchema {
  const copy = { ...schema };
  delete copy.$schema;
  return copy;
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema: responseSchema(schema) } });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: responseSchema(S.Problem) } },
});

function queryParameters(schema: z.ZodObject): object[] {
  const properties = (requestSchema(schema).properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: 'query',
    required: false,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const imageId = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};
const secured = { security: [{ bearer: [] }] };
const authErrors = { '401': problem('Missing, expired or invalid token') };
const notFound = { '404': problem('No such image for this user') };
const invalid = { '400': problem('Invalid request (see errors)') };

export function buildOpenApiDocument(options: { maxUploadBytes: number; serverUrl?: string }) {
  const createImage = S.createImageBody(options.maxUploadBytes);
  return {
    openapi: '3.1.0',
    info: {
      title: 'pixtag',
      version: '1.0.0',
      description:
        'Image tagging: upload through a signed URL, get tags from an image-recognition model, find images by tag. Errors are RFC 9457 problem details.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    paths: {
      '/signup': {
        post: {
          summary: 'Create an account',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: requestSchema(S.Credentials) } },
          },
          responses: {
            '201': { description: 'Created', content: json(S.Message) },
            ...invalid,
            '409': problem('Username taken'),
            '413': problem('Body over 16 KiB'),
          },
        },
      },
      '/signin': {
        post: {
          summary: 'Get a bearer token',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: requestSchema(S.Credentials) } },
          },
          responses: {
            '200': { description: 'Signed in', content: json(S.Session) },
            ...invalid,
            '401': problem('Incorrect username or password'),
            '429': problem('Too many failed sign-ins; see Retry-After'),
          },
        },
      },
      '/images': {
        get: {
          summary: 'List your images, newest first, optionally only those having every given tag',
          ...secured,
          parameters: queryParameters(S.ListImagesQuery),
          responses: {
            '200': { description: 'A page of images', content: json(S.ImagePage) },
            ...invalid,
            ...authErrors,
          },
        },
        post: {
          summary: 'Create an image and a signed URL to PUT its bytes to',
          ...secured,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: requestSchema(createImage) } },
          },
          responses: {
            '201': {
              description: 'Pending image and upload instructions',
              content: json(S.CreatedImage),
            },
            ...invalid,
            ...authErrors,
          },
        },
      },
      '/images/{id}': {
        get: {
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
          summary: 'Delete an image, its file and its tags',
          ...secured,
          parameters: [imageId],
          responses: { '204': { description: 'Deleted' }, ...authErrors, ...notFound },
        },
      },
      '/images/{id}/retag': {
        post: {
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
          summary: 'Your tags with how many images carry each, most used first',
          ...secured,
          parameters: queryParameters(S.TagsQuery),
          responses: {
            '200': { description: 'Tag counts', content: json(S.TagCounts) },
            ...invalid,
            ...authErrors,
          },
        },
      },
      '/tags/{tag}/images': {
        get: {
          summary: 'Your tagged images having this tag (same as GET /images?tags=tag)',
          ...secured,
          parameters: [
            { name: 'tag', in: 'path', required: true, schema: { type: 'string', maxLength: 100 } },
            ...queryParameters(S.PageQuery),
          ],
          responses: {
            '200': { description: 'A page of images', content: json(S.ImagePage) },
            ...invalid,
            ...authErrors,
          },
        },
      },
      '/health': {
        get: {
          summary: 'Liveness; touches no backing service',
          responses: { '200': { description: 'Up', content: json(S.Health) } },
        },
      },
      '/openapi.json': {
        get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
      },
    },
  };
}
