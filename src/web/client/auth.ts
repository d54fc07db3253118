// The sign-in form: one form, two buttons. "Sign up" creates the account and signs in with it;
// "Sign in" (also Enter) signs in. The API's own words say what is wrong.
import { ApiError, type Api } from './api.js';
import { announce } from './announce.js';
import { byId } from './dom.js';
import type { Session } from './session.js';

export class AuthForm {
  private readonly form = byId('auth-form', HTMLFormElement);
  private readonly username = byId('username', HTMLInputElement);
  private readonly password = byId('password', HTMLInputElement);
  private readonly error = byId('auth-error', HTMLParagraphElement);

  constructor(
    private readonly api: Api,
    private readonly onSignedIn: (session: Session) => void,
  ) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const signUp =
        event.submitter instanceof HTMLButtonElement && event.submitter.value === 'signup';
      void this.submit(signUp);
    });
  }

  /** Shown again, with a reason when it was not the person's choice (an expired session). */
  show(reason?: string): void {
    this.password.value = '';
    this.error.textContent = reason ?? '';
    this.username.focus();
  }

  private async submit(signUp: boolean): Promise<void> {
    const username = this.username.value.trim();
    const password = this.password.value;
    this.error.textContent = '';
    this.setBusy(true);
    try {
      if (signUp) {
        await this.api.signUp(username, password);
        announce(`Account ${username} created. Signing in…`);
      }
      const { token } = await this.api.signIn(username, password);
      this.password.value = '';
      this.onSignedIn({ token, username });
    } catch (error) {
      this.error.textContent = error instanceof ApiError ? error.message : String(error);
    } finally {
      this.setBusy(false);
    }
  }

  private setBusy(busy: boolean): void {
    for (const button of this.form.querySelectorAll('button')) button.disabled = busy;
    this.form.setAttribute('aria-busy', String(busy));
  }
}
