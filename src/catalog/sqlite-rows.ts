// How the SQLite catalog stores an image's tags and reads a row back (sqlite.ts, sqlite-tags.ts).
// The encodings are the schema's (db/migrations.ts v3 and v6); nothing here runs SQL.
import type { ImageRecord, ImageStatus, Label, Tag } from '../domain/image.js';
import { bestPerName, type TagState } from '../domain/tag-edits.js';
import { compare } from './list-query.js';

/** A row in raw (array) mode, in sqlite-list.ts COLUMNS order: no object for the driver to build. */
export type ImageRow = [
  id: string,
  filename: string,
  contentType: string,
  size: number,
  status: ImageStatus,
  createdAt: string,
  taggedAt: string | null,
  error: string | null,
  tags: string,
  userTags: string,
  width: number | null,
  height: number | null,
  text: string | null,
];

export function toRecord(ownerId: string, row: ImageRow): ImageRecord {
  const record: ImageRecord = {
    id: row[0],
    ownerId,
    filename: row[1],
    contentType: row[2],
    size: row[3],
    status: row[4],
    tags: decodeVisibleTags(row[8], row[9]),
    createdAt: row[5],
  };
  if (row[6] !== null) record.taggedAt = row[6];
  if (row[7] !== null) record.error = row[7];
  if (row[10] !== null) record.width = row[10];
  if (row[11] !== null) record.height = row[11];
  if (row[12] !== null && row[12] !== '') record.text = row[12];
  return record;
}

/**
 * images.tags and images.user_tags: [[name, confidence], …], one entry per name, sorted as the port
 * returns tags (confidence desc, then name), so reading the model's needs no sort. Arrays, not
 * objects: half the bytes. The user's all have confidence 1. A located label has a third element,
 * its box as [x, y, w, h]: rows written before boxes read the same.
 */
export function encodeTags(tags: readonly Label[]): string {
  return JSON.stringify(bestPerName(tags).map(toEntry));
}

type Entry = [string, number] | [string, number, [number, number, number, number]];

const toEntry = ({ name, confidence, box }: Label): Entry =>
  box ? [name, confidence, [box.x, box.y, box.w, box.h]] : [name, confidence];

function fromEntry(entry: Entry): Label {
  const box = entry[2];
  if (!box) return { name: entry[0], confidence: entry[1] };
  const [x, y, w, h] = box;
  return { name: entry[0], confidence: entry[1], box: { x, y, w, h } };
}

export const encodeUserTags = (names: readonly string[]) =>
  encodeTags(names.map((name) => ({ name, confidence: 1 })));

/**
 * What a tag looks like inside encodeTags' JSON (and v3's json_group_array, the same text): the
 * start of its entry, `["name",`. A name cannot fake it: inside a name a quote is escaped.
 */
export const tagNeedle = (name: string) => `[${JSON.stringify(name)},`;

export function decodeLabels(text: string): Label[] {
  if (text === '[]') return [];
  const entries = JSON.parse(text) as Entry[];
  const labels = new Array<Label>(entries.length);
  for (let k = 0; k < entries.length; k += 1) labels[k] = fromEntry(entries[k]!);
  return labels;
}

export function decodeNames(userTags: string): string[] {
  return userTags === '[]' ? [] : (JSON.parse(userTags) as [string, number][]).map((e) => e[0]);
}

/** The tags a client sees. Most rows have no user tag: their stored order is already the port's. */
function decodeVisibleTags(tags: string, userTags: string): Tag[] {
  if (userTags === '[]') {
    if (tags === '[]') return [];
    const entries = JSON.parse(tags) as Entry[];
    const visible = new Array<Tag>(entries.length);
    for (let k = 0; k < entries.length; k += 1) {
      const entry = entries[k]!;
      visible[k] = entry[2]
        ? { ...fromEntry(entry), source: 'model' }
        : { name: entry[0], confidence: entry[1], source: 'model' };
    }
    return visible;
  }
  // User tags (confidence 1) sort first, by name; the model's follow in their stored order, and a
  // model tag of confidence 1 sorts among the user's, so merge by the port's order.
  const user: Tag[] = decodeNames(userTags).map((name) => ({
    name,
    confidence: 1,
    source: 'user',
  }));
  const model: Tag[] = decodeLabels(tags).map((l) => ({ ...l, source: 'model' }));
  return [...user, ...model].sort((a, b) => b.confidence - a.confidence || compare(a.name, b.name));
}

/** The columns behind a TagState: tags, user_tags, vetoes. */
export interface TagColumns {
  tags: string;
  userTags: string;
  vetoes: string;
}

export function toTagState(columns: TagColumns): TagState {
  return {
    model: decodeLabels(columns.tags),
    user: decodeNames(columns.userTags),
    vetoes: JSON.parse(columns.vetoes) as string[],
  };
}

export function toTagColumns(state: TagState): TagColumns {
  return {
    tags: encodeTags(state.model),
    userTags: encodeUserTags(state.user),
    vetoes: JSON.stringify(state.vetoes),
  };
}
