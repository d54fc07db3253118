// The one rule for tag names, whoever writes them: a model, a user or a query.

export const TAG_NAME_MAX_LENGTH = 100;

/** Trimmed, lower-cased, inner white space folded to one space ("Traffic  Light" → "traffic light"). */
export function normaliseTagName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Why a normalised name is not a tag name, or undefined when it is one. */
export function tagNameProblem(normalised: string): string | undefined {
  if (normalised.length === 0) return 'must not be empty';
  if (normalised.length > TAG_NAME_MAX_LENGTH) {
    return `must be at most ${TAG_NAME_MAX_LENGTH} characters`;
  }
  return undefined;
}
