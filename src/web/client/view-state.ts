// What the grid shows, as one value that lives in the page's URL (?tags=…&q=…&status=…), so a
// reload or a shared link shows the same view and the back button goes to the previous one. The
// parameters are the API's own (GET /images), so the URL and the request say the same thing.
import type { ImageStatus } from './contract.js';

export interface ViewState {
  /** Has every one (AND). */
  tags: string[];
  /** Has at least one (OR). */
  anyTags: string[];
  /** Has none. */
  notTags: string[];
  status: ImageStatus | undefined;
  untagged: boolean;
  q: string;
}

export const EMPTY_VIEW: ViewState = {
  tags: [],
  anyTags: [],
  notTags: [],
  status: undefined,
  untagged: false,
  q: '',
};

const STATUSES: readonly string[] = ['pending', 'tagged', 'failed'];

/** Tag names as the API normalises them (lower case, single spaces), deduplicated. */
export function tagNames(text: string): string[] {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase().replace(/\s+/g, ' '))
    .filter(Boolean);
  return [...new Set(names)];
}

/** Reads a URL's query; anything it does not understand is left out rather than sent on. */
export function viewFromSearch(search: string): ViewState {
  const query = new URLSearchParams(search);
  const status = query.get('status') ?? '';
  return {
    tags: tagNames(query.getAll('tags').join(',')),
    anyTags: tagNames(query.getAll('anyTags').join(',')),
    notTags: tagNames(query.getAll('notTags').join(',')),
    status: STATUSES.includes(status) ? (status as ImageStatus) : undefined,
    untagged: query.get('untagged') === 'true',
    q: (query.get('q') ?? '').trim(),
  };
}

/** The view's query parameters, only those that filter (an empty view is no query at all). */
export function viewQuery(view: ViewState): URLSearchParams {
  const query = new URLSearchParams();
  if (view.q) query.set('q', view.q);
  if (view.tags.length > 0) query.set('tags', view.tags.join(','));
  if (view.anyTags.length > 0) query.set('anyTags', view.anyTags.join(','));
  if (view.notTags.length > 0) query.set('notTags', view.notTags.join(','));
  if (view.status) query.set('status', view.status);
  if (view.untagged) query.set('untagged', 'true');
  return query;
}

export const sameView = (a: ViewState, b: ViewState): boolean =>
  viewQuery(a).toString() === viewQuery(b).toString();

export const isFiltered = (view: ViewState): boolean => viewQuery(view).toString() !== '';

/** Whether an image belongs in the view, for images that change after the page was listed. */
export function viewMatches(
  view: ViewState,
  image: { status: ImageStatus; tags: Array<{ name: string }>; filename: string },
): boolean {
  const has = (name: string) => image.tags.some((tag) => tag.name === name);
  if (view.status && image.status !== view.status) return false;
  if (view.untagged && (image.status !== 'tagged' || image.tags.length > 0)) return false;
  if (!view.tags.every(has)) return false;
  if (view.anyTags.length > 0 && !view.anyTags.some(has)) return false;
  if (view.notTags.some(has)) return false;
  // The text the server searches (read in the image, too) is not all here: a changed image
  // stays where it is rather than vanish on a guess; the next listing has the last word.
  return true;
}

/** The page URL's query for the view: `?tags=a,b&q=…` ("," kept readable), or "" for none. */
export function viewSearch(view: ViewState): string {
  const query = viewQuery(view).toString().replace(/%2C/gi, ',');
  return query ? `?${query}` : '';
}

/** The view in a sentence, said to screen readers when it changes. */
export function describeView(view: ViewState): string {
  if (!isFiltered(view)) return 'Showing all images.';
  const { tags, ...rest } = view;
  if (!isFiltered({ ...EMPTY_VIEW, ...rest }))
    return `Showing images tagged ${tags.join(' and ')}.`;
  return 'Showing the images that match the filters.';
}
