// The gallery page: signs a person in (token kept for the tab's session), then wires the uploader,
// the tag filter, the grid and the detail view together. A 401 anywhere brings sign-in back.
import { Api } from './api.js';
import { announce } from './announce.js';
import { AuthForm } from './auth.js';
import type { Image } from './contract.js';
import { DetailView } from './detail.js';
import { byId } from './dom.js';
import { Gallery } from './gallery.js';
import { clearSession, loadSession, saveSession, type Session } from './session.js';
import { TagFilter } from './tags.js';
import { Uploader } from './uploads.js';
import { ImageWatcher } from './watch.js';

// The server writes its limits into the page (src/http/routes/web.ts).
const limits = {
  maxBytes: Number(document.body.dataset.maxUploadBytes),
  types: (document.body.dataset.imageTypes ?? '').split(',').filter(Boolean),
};

const authSection = byId('auth', HTMLElement);
const appSection = byId('app', HTMLDivElement);
const signOutButton = byId('sign-out', HTMLButtonElement);
const who = byId('who', HTMLParagraphElement);

let session: Session | undefined;
let signedIn = new AbortController();
let watcher: ImageWatcher | undefined;

const api = new Api({
  token: () => session?.token,
  onUnauthorized: () => signOut('Your session has ended. Sign in again.'),
});
const settled = (id: string): Promise<Image> =>
  watcher ? watcher.settled(id) : Promise.reject(new Error('signed out'));

const tagFilter = new TagFilter(api, (selected) => void gallery.show(selected));
const detail = new DetailView({
  api,
  settled,
  onChanged: (image) => {
    gallery.upsert(image);
    if (image.status !== 'pending') void tagFilter.refresh();
  },
  onDeleted: (id) => {
    gallery.remove(id);
    void tagFilter.refresh();
  },
});
const gallery = new Gallery({
  api,
  settled,
  onSettled: (image) => {
    detail.show(image);
    void tagFilter.refresh();
  },
  onOpen: (image) => void detail.open(image),
});
const uploader = new Uploader({
  api,
  ...limits,
  settled,
  onCreated: (image) => gallery.upsert(image),
  onSettled: (image) => {
    gallery.upsert(image);
    detail.show(image);
    void tagFilter.refresh();
  },
});
const authForm = new AuthForm(api, (newSession) => {
  saveSession(newSession);
  enter(newSession);
  announce(`Signed in as ${newSession.username}.`);
});

function enter(newSession: Session): void {
  session = newSession;
  signedIn = new AbortController();
  watcher = new ImageWatcher(api, signedIn.signal);
  who.textContent = `Signed in as ${newSession.username}`;
  authSection.hidden = true;
  appSection.hidden = false;
  who.hidden = false;
  signOutButton.hidden = false;
  void gallery.show([]);
  void tagFilter.refresh();
}

function signOut(reason?: string): void {
  if (!session) return;
  session = undefined;
  watcher = undefined;
  signedIn.abort();
  clearSession();
  detail.close();
  gallery.clear();
  tagFilter.clear();
  uploader.clear();
  appSection.hidden = true;
  who.hidden = true;
  signOutButton.hidden = true;
  authSection.hidden = false;
  authForm.show(reason);
  announce(reason ?? 'Signed out.');
}

signOutButton.addEventListener('click', () => signOut());

const saved = loadSession();
if (saved) enter(saved);
else authForm.show();
