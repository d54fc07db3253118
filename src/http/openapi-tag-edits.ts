// The tag-editing routes in /openapi.json (http/routes/image-tags.ts and tags.ts): a person adds,
// removes and renames tags; the model's removed tags stay removed after a retag.
import {
  authErrors,
  imageId,
  invalid,
  json,
  jsonBody,
  notFound,
  notJson,
  problem,
  secured,
  tagName,
} from './openapi-parts.js';
import * as S from './schemas.js';

const tooMany = { '409': problem('The image already has the most tags of yours it can carry') };

export function tagEditPaths() {
  return {
    '/images/tags': {
      post: {
        operationId: 'editTagsOfImages',
        tags: ['tags'],
        summary: 'Add and remove tags on up to 100 images at once: all of them, or none',
        ...secured,
        requestBody: jsonBody(S.TagEditBody),
        responses: {
          '200': { description: 'The images, in the order of ids', content: json(S.ImageList) },
          ...invalid,
          ...authErrors,
          '404': problem('One of the ids is not an image of yours: nothing changed'),
          ...tooMany,
          ...notJson,
        },
      },
    },
    '/images/{id}/tags/{tag}': {
      put: {
        operationId: 'addImageTag',
        tags: ['tags'],
        summary: 'Put a tag on the image as yours (confidence 1); idempotent',
        ...secured,
        parameters: [imageId, tagName],
        responses: {
          '200': { description: 'The image', content: json(S.Image) },
          ...invalid,
          ...authErrors,
          ...notFound,
          ...tooMany,
        },
      },
      delete: {
        operationId: 'removeImageTag',
        tags: ['tags'],
        summary: 'Take a tag off the image; a retag will not bring it back; idempotent',
        ...secured,
        parameters: [imageId, tagName],
        responses: {
          '200': { description: 'The image', content: json(S.Image) },
          ...invalid,
          ...authErrors,
          ...notFound,
        },
      },
    },
    '/tags/{tag}': {
      patch: {
        operationId: 'renameTag',
        tags: ['tags'],
        summary: 'Rename a tag on every image of yours; into an existing name, the two merge',
        ...secured,
        parameters: [tagName],
        requestBody: jsonBody(S.RenameTagBody),
        responses: {
          '200': { description: 'The new name and its image count', content: json(S.TagCount) },
          ...invalid,
          ...authErrors,
          '404': problem('None of your images has the tag'),
          ...notJson,
        },
      },
      delete: {
        operationId: 'deleteTag',
        tags: ['tags'],
        summary: 'Take a tag off every image of yours; a retag will not bring it back',
        ...secured,
        parameters: [tagName],
        responses: { '204': { description: 'Removed' }, ...invalid, ...authErrors },
      },
    },
  };
}
