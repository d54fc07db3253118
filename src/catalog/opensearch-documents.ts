// The OpenSearch catalog's documents: the one translation between an ImageRecord (or a TagState
// and what processing found) and its stored document. Pure: knows no client. What the fields
// mean and how they are indexed: opensearch-mapping.ts.
import type { ImageRecord, Label } from '../domain/image.js';
import { searchWords } from '../domain/search-words.js';
import { bestPerName, tagNames, toLabel, visibleTags, type TagState } from '../domain/tag-edits.js';

/**
 * A stored image. A v1 document (written before contract v2) lacks every optional v2 field:
 * it reads as no user tags, no vetoes and, until the backfill rewrites it, no `words`.
 */
export interface ImageDoc {
  id: string;
  ownerId: string;
  filename: string;
  contentType: string;
  size: number;
  status: ImageRecord['status'];
  createdAt: string;
  taggedAt?: string;
  error?: string;
  /** The model's tags (TagState.model). */
  tags: Label[];
  userTags?: string[];
  vetoes?: string[];
  tagNames: string[];
  width?: number;
  height?: number;
  text?: string;
  words?: string;
}

/** What the writes change; id, owner, filename, type, size and createdAt never change. */
export interface DocState {
  status: ImageRecord['status'];
  tags: TagState;
  taggedAt?: string | undefined;
  error?: string | undefined;
  width?: number | undefined;
  height?: number | undefined;
  text?: string | undefined;
}

type Fixed = Pick<ImageDoc, 'id' | 'ownerId' | 'filename' | 'contentType' | 'size' | 'createdAt'>;

export function toDoc(image: Fixed, state: DocState): ImageDoc {
  const { id, ownerId, filename, contentType, size, createdAt } = image;
  const names = tagNames(state.tags);
  const doc: ImageDoc = {
    id,
    ownerId,
    filename,
    contentType,
    size,
    status: state.status,
    createdAt,
    tags: state.tags.model.map(toLabel),
    userTags: state.tags.user,
    vetoes: state.tags.vetoes,
    tagNames: names,
    words: wordsOf(filename, state.text, names),
  };
  // An undefined field is left out of the JSON, so a rewrite clears it.
  if (state.taggedAt !== undefined) doc.taggedAt = state.taggedAt;
  if (state.error !== undefined) doc.error = state.error;
  if (state.width !== undefined) doc.width = state.width;
  if (state.height !== undefined) doc.height = state.height;
  if (state.text !== undefined && state.text !== '') doc.text = state.text;
  return doc;
}

/** The record's document: the model's tags only while tagged (the port's invariant). */
export function recordToDoc(image: ImageRecord): ImageDoc {
  const model = image.status === 'tagged' ? image.tags.filter((t) => t.source === 'model') : [];
  const user = image.tags.filter((t) => t.source === 'user').map((t) => t.name);
  const { status, taggedAt, error, width, height, text } = image;
  return toDoc(image, {
    status,
    tags: { model: bestPerName(model), user: [...new Set(user)], vetoes: [] },
    ...{ taggedAt, error, width, height, text },
  });
}

export const tagStateOf = (doc: ImageDoc): TagState => ({
  model: doc.tags.map(toLabel),
  user: doc.userTags ?? [],
  vetoes: doc.vetoes ?? [],
});

/** The document's state, to rewrite it with a change. */
export const stateOf = (doc: ImageDoc): DocState => ({
  status: doc.status,
  tags: tagStateOf(doc),
  taggedAt: doc.taggedAt,
  error: doc.error,
  width: doc.width,
  height: doc.height,
  text: doc.text,
});

/** The same document with v2's fields: what the backfill writes for a v1 document. */
export const upgraded = (doc: ImageDoc): ImageDoc => toDoc(doc, stateOf(doc));

export function toRecord(doc: ImageDoc): ImageRecord {
  const { id, ownerId, filename, contentType, size, status, createdAt } = doc;
  const tags = visibleTags(tagStateOf(doc));
  const record: ImageRecord = { id, ownerId, filename, contentType, size, status, tags, createdAt };
  if (typeof doc.taggedAt === 'string') record.taggedAt = doc.taggedAt;
  if (typeof doc.error === 'string') record.error = doc.error;
  if (typeof doc.width === 'number') record.width = doc.width;
  if (typeof doc.height === 'number') record.height = doc.height;
  if (typeof doc.text === 'string' && doc.text !== '') record.text = doc.text;
  return record;
}

/** Each word once, in the order first seen: the index needs no more to match a prefix. */
function wordsOf(filename: string, text: string | undefined, names: string[]): string {
  const words = searchWords([filename, text ?? '', ...names].join(' '));
  return [...new Set(words)].join(' ');
}
