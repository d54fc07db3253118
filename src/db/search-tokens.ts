// The tokens of the SQLite full-text index (db/search-index.ts, image_search) and of the queries
// over it, written once here so the triggers (through the search_tokens SQL function) and the
// catalog's MATCH expressions (catalog/sqlite-search.ts) cannot disagree.
//
// Every token starts with its owner's key (owners.n, fixed width) and a private-use separator, so
// one owner's query only ever reads its own postings, whatever the other owners hold: a search
// costs what the owner's images cost, not what the file holds. The separator says what follows:
//   WORD  a word (domain/search-words.ts) of the filename, the text or a tag name: q's prefixes
//   TAG   a whole tag name, the model's or the user's: tags=… as one more term of the same query
//   STATE the status, and `untagged` for a tagged image with no tag: status=… and untagged=true
// The table's tokenizer is `ascii`: only ASCII characters other than letters and digits split
// tokens, and everything else (the separators, accented or non-Latin letters) is part of one.
import { decodeNames } from '../catalog/sqlite-rows.js';
import { searchWords } from '../domain/search-words.js';

export const WORD = '\uE000';
export const TAG = '\uE001';
export const STATE = '\uE002';

/** Hex digits of an owner's key; fixed, so a word's prefix of n letters is KEY_CHARS + n long. */
const OWNER_DIGITS = 8;
/** The owner's digits and the separator: the length of a token before its word. */
export const KEY_CHARS = OWNER_DIGITS + 1;
/**
 * Word prefixes up to this many letters have their own FTS5 prefix index, so `"…pho"*` reads one
 * ready-made posting list in rowid order and stops at a page. A longer prefix makes FTS5 merge
 * every term that starts with it into one list first: fine, since so long a prefix is rare.
 */
export const INDEXED_PREFIX_LETTERS = 8;

export const ownerKey = (owner: number) => owner.toString(16).padStart(OWNER_DIGITS, '0');

/**
 * A tag name as one token: every ASCII character that is not a letter or a digit (the tokenizer
 * would split there) becomes a private-use character of its own, so the mapping is one to one.
 */
export const tagToken = (name: string) =>
  name.replace(/[\0-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]/g, (c) =>
    String.fromCharCode(0xe100 + c.charCodeAt(0)),
  );

/** The document of one image row in image_search: its tokens, space-separated. */
export function searchTokens(
  owner: number,
  filename: string,
  text: string | null,
  tags: string,
  userTags: string,
  status: string,
): string {
  const key = ownerKey(owner);
  // Both columns are NOT NULL, in sqlite-rows.ts's encoding ([[name, confidence], …]).
  const names = [...new Set([...decodeNames(tags), ...decodeNames(userTags)])];
  const words = new Set([
    ...searchWords(filename),
    ...searchWords(text ?? ''),
    ...names.flatMap(searchWords),
  ]);
  const tokens = [...words].map((word) => `${key}${WORD}${word}`);
  for (const name of names) tokens.push(`${key}${TAG}${tagToken(name)}`);
  tokens.push(`${key}${STATE}${status}`);
  if (status === 'tagged' && names.length === 0) tokens.push(`${key}${STATE}untagged`);
  return tokens.join(' ');
}
