// The password rule (domain/account-rules.ts) as every IdentityProvider enforces it at sign-up.
// The routes check it too; the adapters check again so that a direct caller never stores a
// trivial password nor makes a hash chew a huge one, and so that a Cognito pool with a laxer
// policy (or cognito-local, which enforces none) never keeps a password the local one refuses.
import { passwordProblem } from '../domain/account-rules.js';
import { CredentialsRejected } from '../domain/errors.js';

/** Throws CredentialsRejected, naming the password field, when the password breaks the rule. */
export function enforcePasswordRule(password: string): void {
  const problem = passwordProblem(password);
  if (problem !== undefined) {
    throw new CredentialsRejected(`The password ${problem}.`, [
      { path: 'password', message: problem },
    ]);
  }
}
