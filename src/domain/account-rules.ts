// What a username and a password must be, for the HTTP schemas and every IdentityProvider alike.

export const USERNAME_RULE = {
  min: 3,
  max: 128,
  pattern: /^[A-Za-z0-9._@+-]+$/,
  lengthMessage: 'must be 3 to 128 characters',
  patternMessage: 'may contain only letters, digits and . _ @ + -',
} as const;

export const PASSWORD_RULE = {
  min: 8,
  max: 256,
  lengthMessage: 'must be 8 to 256 characters',
} as const;

/** Why a password is refused, or undefined when it is acceptable. */
export function passwordProblem(password: string): string | undefined {
  const { min, max, lengthMessage } = PASSWORD_RULE;
  return password.length < min || password.length > max ? lengthMessage : undefined;
}
