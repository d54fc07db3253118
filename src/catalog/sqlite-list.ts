// The SQL of a filtered listing in the SQLite catalog (sqlite.ts runs it; schema: db/migrations.ts
// v3 and v5). One statement per query shape, each walking one index in page order and stopping
// at a page, whatever the owner's image count:
//   tags (AND)      the rarest tag's image_tags range, each candidate's row read by key
//   anyTags (OR)    one image_tags range per tag, merged by the compound SELECT's ORDER BY (a
//                   k-way merge that drops an image met twice) and stopped at the page
//   status          pending and failed: their covering partial indexes; tagged: the images
//                   range
//   untagged        the covering partial index of tagged images with no tags
//   none of those   the images range
// Every other tag condition (the other tags of an AND, anyTags beside tags, notTags) is checked
// on the candidate's row, which the walk reads anyway: its `tags` JSON holds each tag as
// `["name",` (sqlite.ts tagNeedle), so a check is an instr() on a short string, not another
// B-tree descent. A filter costs what the candidates the page walks past cost, never a scan.
// The OR's arms cannot read rows before the merge: their notTags are exact-key probes.
import type { ListOrder } from './image-catalog.js';

export type Driver = 'images' | 'tagged' | 'pending' | 'failed' | 'untagged' | 'tag' | 'any';

/** Everything that changes a listing's SQL; the values are bound parameters. */
export interface ListShape {
  driver: Driver;
  /** `tag`: the other tags of the AND (needles @all0…); `any`: its arms (names @arm0…). */
  others: number;
  /** Beside `tag` or an image driver: anyTags (needles @any0…). */
  any: number;
  /** notTags: needles @none0… on a row; for the `any` arms, names @not0… probed by key. */
  none: number;
  /** Beside `tag` or `any`: the image must have status @status (a user's tag can be on any). */
  status: boolean;
  order: ListOrder;
  after: boolean;
}

// Owners are numbered in the file (owners.n, see migration v3); a statement finds the number
// itself, once per statement, so a read is still one statement.
export const OWNER = `(SELECT n FROM owners WHERE id = @owner)`;

// The SQLite in better-sqlite3 (3.53) takes a LIMIT that is a bare parameter for a constant of
// the plan and expires the statement whenever that parameter is bound again: better-sqlite3 binds
// on every run, so every run prepared the statement anew (48 µs for a page of 20, 34 without).
// A unary plus is an expression it does not fold; the plan is the same.
export const LIMIT = 'LIMIT +@limit';

export const COLUMNS = `i.id, i.filename, i.content_type, i.size, i.status, i.created_at,
  i.tagged_at, i.error, i.tags, i.user_tags, i.width, i.height, i.text`;

/** The key columns of the table a statement walks: the image row's, or image_tags'. */
interface Key {
  owner: string;
  createdAt: string;
  id: string;
}
const IMAGE_KEY: Key = { owner: 'i.owner', createdAt: 'i.created_at', id: 'i.id' };
const TAG_KEY: Key = { owner: 't.owner', createdAt: 't.created_at', id: 't.image_id' };

// Keyset predicate written as a range on created_at plus a tie-break, which SQLite turns into a
// key range (a row-value comparison against a DESC key column may not be).
function after(key: Key, order: ListOrder): string {
  const [le, lt] = order === 'newest' ? ['<=', '<'] : ['>=', '>'];
  return `AND ${key.createdAt} ${le} @createdAt
    AND (${key.createdAt} ${lt} @createdAt OR ${key.id} ${lt} @id)`;
}

const orderBy = (key: Key, order: ListOrder) => {
  const dir = order === 'newest' ? 'DESC' : 'ASC';
  return `ORDER BY ${key.createdAt} ${dir}, ${key.id} ${dir}`;
};

const names = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, k) => `@${prefix}${k}`).join(', ');

/** An exact-key probe of image_tags for one of `names` on the row at `key`. */
function probe(alias: string, key: Key, prefix: string, count: number): string {
  return `SELECT 1 FROM image_tags ${alias} WHERE ${alias}.owner = ${key.owner}
      AND ${alias}.name IN (${names(prefix, count)}) AND ${alias}.created_at = ${key.createdAt}
      AND ${alias}.image_id = ${key.id}`;
}

// A tag is the model's (`tags`) or the user's (`user_tags`), never both.
const has = (param: string) =>
  `(instr(i.tags, @${param}) > 0 OR instr(i.user_tags, @${param}) > 0)`;
const repeat = (count: number, make: (k: number) => string, join: string) =>
  Array.from({ length: count }, (_, k) => make(k)).join(join);

/** The conditions on the image row i: @all0…, (@any0 or …), not @none0…, as tag needles. */
function checks(shape: ListShape): string {
  const all = repeat(shape.others, (k) => `AND ${has(`all${k}`)}`, ' ');
  const any = shape.any > 0 ? `AND (${repeat(shape.any, (k) => has(`any${k}`), ' OR ')})` : '';
  const none = repeat(shape.none, (k) => `AND NOT ${has(`none${k}`)}`, ' ');
  // +@status, like LIMIT: a bare parameter compared with a partial index's term is folded into
  // the plan, and the statement is prepared again on every run.
  const status = shape.status ? 'AND i.status = +@status' : '';
  return `${all} ${any} ${none} ${status}`;
}

/** A walk of image_tags for one tag (@<param>), then each candidate's image row by key. */
function tagWalk(shape: ListShape, param: string): string {
  // CROSS JOIN pins the order: the tag range, then the image row on its primary key (SQLite
  // never reorders a CROSS JOIN, with or without ANALYZE). The unary + keeps the planner off
  // images_by_id, a second B-tree descent for the row.
  return `SELECT ${COLUMNS} FROM image_tags t CROSS JOIN images i
    ON i.owner = t.owner AND i.created_at = t.created_at AND +i.id = t.image_id
  WHERE t.owner = ${OWNER} AND t.name = @${param}
    ${shape.after ? after(TAG_KEY, shape.order) : ''} ${checks(shape)}`;
}

/**
 * An arm of the OR: one tag's keys, notTags probed by key (@not0…); no row read, unless a status
 * is asked for (the row holds it).
 */
function arm(shape: ListShape, k: number): string {
  const none = shape.none > 0 ? `AND NOT EXISTS (${probe('n', TAG_KEY, 'not', shape.none)})` : '';
  const status = shape.status
    ? `AND EXISTS (SELECT 1 FROM images s WHERE s.owner = t.owner
      AND s.created_at = t.created_at AND +s.id = t.image_id AND s.status = +@status)`
    : '';
  return `SELECT t.created_at AS created_at, t.image_id AS id FROM image_tags t
  WHERE t.owner = ${OWNER} AND t.name = @arm${k}
    ${shape.after ? after(TAG_KEY, shape.order) : ''} ${none} ${status}`;
}

const INDEX_OF: Partial<Record<Driver, string>> = {
  pending: 'images_pending',
  failed: 'images_failed',
  untagged: 'images_untagged',
};

// Each partial index's WHERE, repeated word for word: SQLite uses a partial index only for a
// query whose WHERE has its terms.
const WHERE_OF: Partial<Record<Driver, string>> = {
  tagged: `AND i.status = 'tagged'`,
  pending: `AND i.status = 'pending'`,
  failed: `AND i.status = 'failed'`,
  untagged: `AND i.status = 'tagged' AND i.tags = '[]' AND i.user_tags = '[]'`,
};

export function listSql(shape: ListShape): string {
  const { driver, order } = shape;
  if (driver === 'tag') return `${tagWalk(shape, 'tag')} ${orderBy(TAG_KEY, order)} ${LIMIT}`;
  if (driver === 'any') {
    // The merge is over the keys alone, in the order of each arm's index (a UNION compares whole
    // rows, so any other column would make it sort); the page's rows are then read by key.
    const arms = Array.from({ length: shape.others }, (_, k) => arm(shape, k));
    const dir = order === 'newest' ? 'DESC' : 'ASC';
    return `SELECT ${COLUMNS} FROM (
  ${arms.join('\n  UNION\n  ')}
  ORDER BY created_at ${dir}, id ${dir} ${LIMIT}) h
  CROSS JOIN images i ON i.owner = ${OWNER} AND i.created_at = h.created_at AND +i.id = h.id
  ORDER BY h.created_at ${dir}, h.id ${dir}`;
  }
  const index = INDEX_OF[driver];
  return `SELECT ${COLUMNS} FROM images i ${index ? `INDEXED BY ${index}` : ''}
  WHERE i.owner = ${OWNER} ${WHERE_OF[driver] ?? ''}
    ${shape.after ? after(IMAGE_KEY, order) : ''} ${checks(shape)}
  ${orderBy(IMAGE_KEY, order)} ${LIMIT}`;
}

/** A stable name for a shape, to prepare each statement once. */
export const shapeKey = (s: ListShape) =>
  `${s.driver}/${s.others}/${s.any}/${s.none}/${s.status ? 1 : 0}/${s.order}/${s.after ? 1 : 0}`;
