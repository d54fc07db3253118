// How a model's tags and a person's edits combine on one image, written once for every catalog:
// the user's tags win over the model's, a name the user removed (a veto) never comes back from
// the model, and a retag replaces only the model's tags. Pure: imports only the domain.
import type { Label, Tag } from './image.js';

/** What a catalog keeps per image to answer for its tags. */
export interface TagState {
  /** The model's tags, never a name of `user` or `vetoes`; empty unless the image is tagged. */
  model: Label[];
  /** Names the user put on the image, whatever its status. */
  user: string[];
  /** Names the user removed: the model's tags of these names are dropped, now and on a retag. */
  vetoes: string[];
}

export interface TagEdit {
  add: string[];
  remove: string[];
}

/** Most tags a person may put on one image; most removals remembered (the oldest are forgotten). */
export const MAX_USER_TAGS = 50;
export const MAX_VETOES = 200;

export const NO_TAGS: TagState = { model: [], user: [], vetoes: [] };

/** The tags a client sees: every tag once, highest confidence first, then by name. */
export function visibleTags(state: TagState): Tag[] {
  const tags: Tag[] = state.user.map((name) => ({ name, confidence: 1, source: 'user' }));
  for (const label of state.model) tags.push({ ...toLabel(label), source: 'model' });
  return tags.sort(byConfidenceThenName);
}

/** The model's new labels (already kept by keepTags), minus the vetoed and the user's names. */
export function withModelTags(state: TagState, labels: Label[]): TagState {
  return { ...state, model: bestPerName(labels, new Set([...state.user, ...state.vetoes])) };
}

/** Just a label's own fields (a Tag's source, or a model's extras, dropped); box only when found. */
export const toLabel = ({ name, confidence, box }: Label): Label =>
  box ? { name, confidence, box } : { name, confidence };

/** One label per name, its highest-confidence one (box included), in the port's order. */
export function bestPerName(labels: Iterable<Label>, skip?: ReadonlySet<string>): Label[] {
  const best = new Map<string, Label>();
  for (const label of labels) {
    if (skip?.has(label.name)) continue;
    const seen = best.get(label.name);
    if (seen === undefined || label.confidence > seen.confidence) {
      best.set(label.name, toLabel(label));
    }
  }
  return [...best.values()].sort(byConfidenceThenName);
}

/** Pending or failed: the model's tags go, the user's and the vetoes stay. */
export const withoutModelTags = (state: TagState): TagState => ({ ...state, model: [] });

/**
 * Adds then removes. An added name becomes the user's (a model tag of that name turns into it) and
 * is no longer vetoed; a removed name is vetoed, whether or not the image has it now, because
 * while an image waits for a retag its model tags are not known yet. Undefined when the image
 * would carry more than MAX_USER_TAGS tags of the user's.
 */
export function editTags(state: TagState, edit: TagEdit): TagState | undefined {
  const removed = new Set(edit.remove);
  const added = edit.add.filter((name) => !removed.has(name));
  const user = unique([...state.user, ...added]).filter((name) => !removed.has(name));
  if (user.length > MAX_USER_TAGS && user.length > state.user.length) return undefined;
  const claimed = new Set([...user, ...removed]);
  const vetoes = unique([...state.vetoes.filter((name) => !added.includes(name)), ...removed]);
  return {
    model: state.model.filter(({ name }) => !claimed.has(name)),
    user,
    vetoes: vetoes.slice(Math.max(0, vetoes.length - MAX_VETOES)),
  };
}

/**
 * Renames `from` to `into` on this image (a merge when it has both); `from` is vetoed like a
 * removal. Not capped by MAX_USER_TAGS: a rename must not lose the tag it renames. Undefined when
 * the image has no `from`.
 */
export function renameTag(state: TagState, from: string, into: string): TagState | undefined {
  if (!hasTag(state, from)) return undefined;
  if (from === into) return state;
  const user = unique([...state.user.filter((name) => name !== from), into]);
  const vetoes = unique([...state.vetoes.filter((name) => name !== into), from]);
  return {
    model: state.model.filter(({ name }) => name !== from && name !== into),
    user,
    vetoes: vetoes.slice(Math.max(0, vetoes.length - MAX_VETOES)),
  };
}

export const hasTag = (state: TagState, name: string) =>
  state.user.includes(name) || state.model.some((tag) => tag.name === name);

/** Every name the image carries, the user's first. */
export const tagNames = (state: TagState) => [...state.user, ...state.model.map((t) => t.name)];

function unique(names: string[]): string[] {
  return [...new Set(names)];
}

function byConfidenceThenName(a: Label, b: Label): number {
  return b.confidence - a.confidence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
