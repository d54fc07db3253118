// The gallery page: signs a person in (token kept for the tab's session), then wires the uploader,
// the filters, the grid, the bulk edit and the detail view together. What the grid shows (the
// view) lives in the URL: each change is a history entry, the back button goes back to the
// previous view, and an expired session keeps the URL so that signing in again returns to it.
import { Api } from './api.js';
import { announce } from './announce.js';
import { AuthForm } from './auth.js';
import { BulkEdit } from './bulk-edit.js';
import type { Image } from './contract.js';
import { DetailView } from './detail.js';
import { byId } from './dom.js';
import { Filters } from './filters.js';
import { Gallery } from './gallery.js';
import { Selection } from './selection.js';
import { clearSession, loadSession, saveSession, type Session } from './session.js';
import { TagFilter } from './tags.js';
import { Uploader } from './uploads.js';
import {
  describeView,
  EMPTY_VIEW,
  sameView,
  viewFromSearch,
  viewSearch,
  type ViewState,
} from './view-state.js';
import { ImageWatcher } from './watch.js';

// The server writes its limits into the page (src/http/routes/web.ts).
const limits = {
  maxBytes: Number(document.body.dataset.maxUploadBytes),
  types: (document.body.dataset.imageTypes ?? '').split(',').filter(Boolean),
};

const SESSION_EXPIRED = 'Your session has expired, sign in again.';

const authSection = byId('auth', HTMLElement);
const appSection = byId('app', HTMLDivElement);
const signOutButton = byId('sign-out', HTMLButtonElement);
const who = byId('who', HTMLParagraphElement);

let session: Session | undefined;
let signedIn = new AbortController();
let watcher: ImageWatcher | undefined;
let view: ViewState = viewFromSearch(location.search);

const api = new Api({
  token: () => session?.token,
  onUnauthorized: () => signOut(SESSION_EXPIRED),
});
const settled = (id: string): Promise<Image> =>
  watcher ? watcher.settled(id) : Promise.reject(new Error('signed out'));

const filters = new Filters((next) => changeView(next));
const tagFilter = new TagFilter(
  api,
  // A tag dropped because no image has it any more replaces the entry: going back to a view of
  // a tag that is gone would only show an empty grid.
  (tags, dropped) => changeView({ ...view, tags }, dropped ? 'replace' : 'push'),
  (names) => filters.offer(names),
);
const selection: Selection = new Selection(
  (): string[] => gallery.ids(),
  () => {
    gallery.syncSelection();
    bulkEdit.update();
  },
);
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
const gallery: Gallery = new Gallery({
  api,
  settled,
  selection,
  onSettled: (image) => {
    detail.show(image);
    void tagFilter.refresh();
  },
  onOpen: (image) => void detail.open(image),
});
const bulkEdit = new BulkEdit({
  api,
  selection,
  onEdited: (images) => {
    for (const image of images) gallery.upsert(image);
    void tagFilter.refresh();
  },
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

/** Shows `next` in every control and lists it: one GET /images, no other request. */
function showView(next: ViewState): void {
  view = next;
  filters.show(view);
  tagFilter.select(view.tags);
  void gallery.show(view);
}

/** The person changed the view: a new history entry (or `replace` the current one). */
function changeView(next: ViewState, how: 'push' | 'replace' = 'push'): void {
  if (sameView(next, view)) return;
  const url = `${location.pathname}${viewSearch(next)}`;
  if (how === 'push') history.pushState(null, '', url);
  else history.replaceState(null, '', url);
  showView(next);
  announce(describeView(next));
}

// Back and forward: the URL already says which view; nothing is pushed.
addEventListener('popstate', () => {
  if (!session) return;
  showView(viewFromSearch(location.search));
  announce(describeView(view));
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
  // The URL's view: a reload, a shared link, or the view an expired session left.
  showView(viewFromSearch(location.search));
  void tagFilter.refresh();
}

/** With a `reason` (the session expired), the URL keeps the view for the next sign-in. */
function signOut(reason?: string): void {
  if (!session) return;
  session = undefined;
  watcher = undefined;
  signedIn.abort();
  clearSession();
  detail.close();
  gallery.clear();
  selection.clear();
  bulkEdit.clear();
  tagFilter.clear();
  uploader.clear();
  if (!reason) {
    // Chosen: the next person to sign in on this tab starts from every image.
    history.replaceState(null, '', location.pathname);
    view = EMPTY_VIEW;
  }
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
