// q in the SQLite catalog: a row check, `search_match(@words, filename, text, tags, user_tags)`,
// that the listing statements (sqlite-list.ts) apply to each candidate row their index walk reads,
// like every other filter there. The words are split by the one rule both catalogs use
// (domain/search-words.ts), so SQL and the OpenSearch adapter agree on what matches.
//
// Cost: a q listing reads rows until it has a page of matches, so a rare word walks much of the
// owner's range (linear in the owner's images, not in the catalog's). An FTS5 index that walks
// only the matches is the planned next step (BENCHMARKS.md, section 2).
import type { Db } from '../db/database.js';
import { searchWords } from '../domain/search-words.js';

const FUNCTION = 'search_match';

/** The SQL condition on the image row `alias`: every word of @words starts one of its words. */
export const MATCHES = (alias: string) =>
  `${FUNCTION}(@words, ${alias}.filename, ${alias}.text, ${alias}.tags, ${alias}.user_tags)`;

/** `@words` as MATCHES reads it: the normalised words of q, one space between them. */
export const wordsParam = (words: readonly string[]) => words.join(' ');

/** Makes MATCHES callable on this connection (once per connection, before the statements). */
export function registerSearch(db: Db): void {
  db.function(FUNCTION, { deterministic: true, varargs: false }, match);
}

function match(words: unknown, filename: unknown, text: unknown, tags: unknown, userTags: unknown) {
  if (typeof words !== 'string' || words === '') return 1;
  const own = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string') for (const word of searchWords(value)) own.add(word);
  };
  add(filename);
  add(text);
  for (const column of [tags, userTags]) {
    if (typeof column !== 'string' || column === '[]') continue;
    // encodeTags' JSON: [[name, confidence], …] (sqlite-rows.ts).
    for (const [name] of JSON.parse(column) as [string, number][]) add(name);
  }
  const ownWords = [...own];
  for (const word of words.split(' ')) {
    if (!ownWords.some((candidate) => candidate.startsWith(word))) return 0;
  }
  return 1;
}
