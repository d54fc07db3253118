// The request and response shapes of the HTTP contract, as zod schemas. They validate requests
// (http/validate.ts) and generate /openapi.json (http/openapi.ts), so docs and behaviour are one.
import * as z from 'zod';
import { IMAGE_STATUSES, TAG_SOURCES, type ImageView } from '../domain/image.js';
import { PASSWORD_RULE, USERNAME_RULE } from '../domain/account-rules.js';
import { ALLOWED_IMAGE_TYPES } from '../domain/content-types.js';
import { MAX_SEARCH_WORDS, searchWords } from '../domain/search-words.js';
import { MAX_USER_TAGS } from '../domain/tag-edits.js';
import { normaliseTagName, tagNameProblem, UNSAFE_TEXT } from '../domain/tag-name.js';

export const Credentials = z.strictObject({
  username: z
    .string()
    .min(USERNAME_RULE.min, USERNAME_RULE.lengthMessage)
    .max(USERNAME_RULE.max, USERNAME_RULE.lengthMessage)
    .regex(USERNAME_RULE.pattern, USERNAME_RULE.patternMessage),
  password: z
    .string()
    .min(PASSWORD_RULE.min, PASSWORD_RULE.lengthMessage)
    .max(PASSWORD_RULE.max, PASSWORD_RULE.lengthMessage),
});

// Filenames are display names only (keys never derive from them), but control and
// bidirectional-override characters (the tag names' rule, domain/tag-name.ts) and path
// separators have no business in one.
const Filename = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .refine(
    (name) => !UNSAFE_TEXT.test(name),
    'must not contain control or bidirectional-override characters',
  )
  .regex(/^[^/\\]+$/, 'must not contain / or \\');

export function createImageBody(maxUploadBytes: number) {
  return z.strictObject({
    contentType: z.enum(ALLOWED_IMAGE_TYPES, {
      error: `must be one of ${ALLOWED_IMAGE_TYPES.join(', ')}`,
    }),
    size: z
      .number({ error: 'must be a whole number of bytes' })
      .int('must be a whole number of bytes')
      .min(1, `must be from 1 to ${maxUploadBytes} bytes`)
      .max(maxUploadBytes, `must be from 1 to ${maxUploadBytes} bytes`),
    filename: Filename.optional(),
  });
}

export const TagName = z
  .string()
  .transform(normaliseTagName)
  .superRefine((name, ctx) => {
    const problem = tagNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const limit = (max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a whole number from 1 to ${max}` })
    .int(`must be a whole number from 1 to ${max}`)
    .min(1, `must be a whole number from 1 to ${max}`)
    .max(max, `must be a whole number from 1 to ${max}`)
    .default(fallback);

const Cursor = z.string().min(1).max(512, 'is not a valid cursor');

/** A comma-separated list (`a,b`) or the parameter repeated (`x=a&x=b`), or both; deduplicated. */
const Names = z
  .union([z.string(), z.array(z.string()).max(20, 'at most 20 tags')])
  .transform((value) => (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')))
  .pipe(z.array(TagName).max(20, 'at most 20 tags'))
  .transform((names) => [...new Set(names)]);

/** `q`: at most 200 characters and MAX_SEARCH_WORDS words (list-query.ts splits them). */
const SearchText = z
  .string({ error: 'must be given once' })
  .max(200, 'must be at most 200 characters')
  .refine((text) => !UNSAFE_TEXT.test(text), 'must not contain control characters')
  .refine(
    (text) => searchWords(text).length <= MAX_SEARCH_WORDS,
    `must have at most ${MAX_SEARCH_WORDS} words`,
  );

/** v1's `tags` and `tag`: absent is an empty list. */
const TagList = Names.optional().transform((names) => names ?? []);

const LIST_ORDERS = ['newest', 'oldest'] as const;

// Any other query parameter: one error each, its path the parameter's name (a strict object would
// report them all as one error without a path).
const NotAParameter = z.unknown().refine(() => false, 'is not a parameter of this route');

/**
 * Every query parameter of a listing of images (GET /images, GET /tags/:tag/images). A parameter
 * that is not one of these is refused by name, never ignored. Filters that can match nothing
 * together (untagged with tags, a status other than tagged with a tag filter, a tag both wanted
 * and excluded) answer an empty page, not an error: the question is well formed, its answer empty.
 */
const ListingQuery = z
  .object({
    tags: TagList.meta({ description: 'Comma-separated tags; an image must have all of them.' }),
    tag: TagList.meta({ description: 'Repeatable alternative to `tags`.' }),
    anyTags: Names.optional().meta({
      description: 'Comma-separated (or repeated) tags; an image must have at least one of them.',
    }),
    notTags: Names.optional().meta({
      description:
        'Comma-separated (or repeated) tags; an image must have none of them. Pending and failed images have no tags, so they match unless `status` says otherwise.',
    }),
    status: z
      .enum(IMAGE_STATUSES, { error: `must be one of ${IMAGE_STATUSES.join(', ')}` })
      .optional()
      .meta({
        description:
          'Only images in this status. Your own tags stay on an image whatever its status, so a tag filter can match a pending or failed image.',
      }),
    untagged: z
      .literal('true', { error: 'must be true (leave it out for every image)' })
      .transform(() => true as const)
      .optional()
      .meta({
        description:
          'true: only images the model looked at and found no tag for (status `tagged`, no tags). Only `true` is accepted. With `tags` or `anyTags` the page is empty.',
      }),
    q: SearchText.optional().meta({
      description:
        'Words to find: each must start a word of the filename, of the text read in the image, or of one of its tags. Case and accents are ignored.',
    }),
    order: z
      .enum(LIST_ORDERS, { error: `must be one of ${LIST_ORDERS.join(', ')}` })
      .optional()
      .meta({ description: 'newest (the default) or oldest first, by upload time.' }),
    limit: limit(100, 20),
    cursor: Cursor.optional().meta({
      description:
        'nextCursor of the previous page, with the same filters and order (another order or other filters: 400).',
    }),
  })
  .catchall(NotAParameter);

export const ListImagesQuery = ListingQuery;

/** GET /tags/:tag/images: the same parameters, the path's tag added to `tags`. */
export const PageQuery = ListingQuery;

export const TagsQuery = z
  .object({
    limit: limit(1000, 100),
    prefix: z
      .string({ error: 'must be given once' })
      .transform((text) => text.trimStart().toLowerCase().replace(/\s+/g, ' '))
      .refine((text) => [...text].length <= 64, 'must be at most 64 characters')
      .refine((text) => !UNSAFE_TEXT.test(text), 'must not contain control characters')
      .optional()
      .meta({ description: 'Only tags whose name starts with it (autocomplete).' }),
  })
  .catchall(NotAParameter);

export const TagPath = z.object({ tag: TagName });

const EditNames = z.array(TagName).max(20, 'at most 20 tags').optional();

/** POST /images/tags. */
export const TagEditBody = z
  .strictObject({
    ids: z
      .array(z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be an image id'))
      .min(1, 'must name from 1 to 100 images')
      .max(100, 'must name from 1 to 100 images')
      .transform((ids) => [...new Set(ids.map((id) => id.toLowerCase()))]),
    add: EditNames.meta({ description: 'Tags to put on every image (as your tags).' }),
    remove: EditNames.meta({
      description: 'Tags to take off every image; a retag does not bring them back.',
    }),
  })
  .refine((body) => (body.add?.length ?? 0) + (body.remove?.length ?? 0) > 0, {
    message: 'add or remove must name at least one tag',
    path: ['add'],
  })
  .meta({
    description: `At most ${MAX_USER_TAGS} of your tags fit on one image.`,
  });

/** PATCH /tags/:tag. */
export const RenameTagBody = z.strictObject({
  name: TagName.meta({ description: 'The new name; an existing name merges the two.' }),
});

// ---- responses (documentation, and checked against real responses by the component tests)

const Fraction = z.number().min(0).max(1);

export const Box = z.object({ x: Fraction, y: Fraction, w: Fraction, h: Fraction }).meta({
  description:
    'Where the model found what the tag names (its best-scoring instance): the top-left ' +
    'corner (x, y) and the size (w, h), as fractions of the upright image. Only on model ' +
    'tags of things the model locates.',
});

export const Tag = z.object({
  name: z.string(),
  confidence: Fraction,
  box: Box.optional(),
  source: z.enum(TAG_SOURCES).meta({
    description:
      '`model`: found by the recognition model; `user`: put there by you (confidence 1).',
  }),
});

export const Image = z.object({
  id: z.string(),
  filename: z.string(),
  contentType: z.enum(ALLOWED_IMAGE_TYPES),
  size: z.number().int(),
  status: z.enum(IMAGE_STATUSES),
  tags: z.array(Tag),
  createdAt: z.iso.datetime(),
  taggedAt: z.iso.datetime().optional(),
  error: z.string().optional().meta({ description: 'Why the image failed, for people.' }),
  url: z.url().optional().meta({ description: 'Short-lived download URL.' }),
  thumbnailUrl: z.url().optional().meta({
    description:
      'Short-lived URL of a WebP thumbnail (longest side 320 px, upright); present once tagged.',
  }),
  width: z
    .number()
    .int()
    .optional()
    .meta({ description: 'Upright width in pixels, once processed.' }),
  height: z
    .number()
    .int()
    .optional()
    .meta({ description: 'Upright height in pixels, once processed.' }),
  text: z.string().optional().meta({ description: 'Words read in the image, when any.' }),
});

// The schema documents the domain's ImageView: the same fields, each at least as narrow (the
// schema names the allowed content types). Either changing alone fails to compile.
type Documents<Schema, Domain> = [Schema] extends [Domain]
  ? [keyof Schema] extends [keyof Domain]
    ? [keyof Domain] extends [keyof Schema]
      ? true
      : false
    : false
  : false;
const imageDocumentsImageView: Documents<z.output<typeof Image>, ImageView> = true;
void imageDocumentsImageView;

export const ImagePage = z.object({ items: z.array(Image), nextCursor: z.string().nullable() });

export const UploadInstructions = z.object({
  url: z.url(),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()),
  expiresAt: z.iso.datetime(),
});

export const CreatedImage = z.object({ image: Image, upload: UploadInstructions });

export const Session = z.object({
  token: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
});

export const TagCount = z.object({ name: z.string(), count: z.number().int().min(0) });

export const TagCounts = z.object({
  items: z.array(z.object({ name: z.string(), count: z.number().int().min(1) })),
});

export const ImageList = z.object({ items: z.array(Image) });

export const Vocabulary = z.object({
  tagger: z.string().meta({ description: 'The TAGGER in use: local, clarifai or rekognition' }),
  labels: z.array(z.string()).nullable().meta({
    description:
      'Every name the tagger can emit, broader words included (cat → animal, pet); null when its vocabulary is open.',
  }),
});

export const Message = z.object({ message: z.string() });
export const Health = z.object({ status: z.literal('ok') });

export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int().min(400).max(599),
  detail: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
