// The one rule for tag names, whoever writes them: a model, a user or a query.

export const TAG_NAME_MAX_LENGTH = 64;

/** Trimmed, lower-cased, inner white space folded to one space ("Traffic  Light" → "traffic light"). */
export function normaliseTagName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ');
}

// C0 and C1 controls, and every bidirectional control (embeddings, overrides, isolates and the
// marks): they let a name display as something other than what it is ("gpj.exe" shown reversed).
/* eslint-disable no-control-regex -- control characters are exactly what it finds */
export const UNSAFE_TEXT =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
/* eslint-enable no-control-regex */

/** Why a normalised name is not a tag name, or undefined when it is one. */
export function tagNameProblem(normalised: string): string | undefined {
  if (normalised.length === 0) return 'must not be empty';
  // Characters as people count them (code points), not UTF-16 units.
  if ([...normalised].length > TAG_NAME_MAX_LENGTH) {
    return `must be at most ${TAG_NAME_MAX_LENGTH} characters`;
  }
  if (UNSAFE_TEXT.test(normalised)) {
    return 'must not contain control or bidirectional-override characters';
  }
  return undefined;
}

/** The name, normalised, when it follows the rule; undefined when it does not. */
export function validTagName(name: string): string | undefined {
  const normalised = normaliseTagName(name);
  return tagNameProblem(normalised) === undefined ? normalised : undefined;
}
