// The signed-in person for this tab only (sessionStorage): closing the tab signs out.
const TOKEN = 'pixtag.token';
const USERNAME = 'pixtag.username';

export interface Session {
  token: string;
  username: string;
}

export function loadSession(): Session | undefined {
  const token = sessionStorage.getItem(TOKEN);
  const username = sessionStorage.getItem(USERNAME);
  return token && username ? { token, username } : undefined;
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(TOKEN, session.token);
  sessionStorage.setItem(USERNAME, session.username);
}

export function clearSession(): void {
  sessionStorage.removeItem(TOKEN);
  sessionStorage.removeItem(USERNAME);
}
