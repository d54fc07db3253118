// What a search's words are, for the HTTP layer that limits them and for both catalogs that
// match them: one splitting, so `q` means the same in SQLite and OpenSearch.

/** Most words a search may have: each is a prefix condition, and 10 is more than people type. */
export const MAX_SEARCH_WORDS = 10;

/**
 * The words of a search as both catalogs index text: lower-cased, accents dropped, split at
 * anything that is not a letter or a digit ("IMG_0042.jpg" → img, 0042, jpg).
 */
export function searchWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);
}
