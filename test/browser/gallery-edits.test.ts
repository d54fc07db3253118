// The gallery's v2 features in a real browser, by roles and labels: tag editing in the detail
// view, a bulk edit, filters that live in the URL (reload and the back button), and the
// session-expired message. Two photos are uploaded through the real HTTP API first (and tagged by
// the real model), so the page starts from a known catalog.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { FIXTURES } from '../support/local-app.js';
import { launchChromium, startGalleryServer, type GalleryServer } from './support.js';

const TAGGING_MS = 90_000;
const USER = { username: 'bob', password: 'wonderland' };

const textOf = async (locator: Locator) => (await locator.textContent()) ?? '';
const seeText = (locator: Locator, expected: string | RegExp, timeoutMs = 15_000) =>
  eventually(async () => expect(await textOf(locator)).toMatch(expected), { timeoutMs });
const seeCount = (locator: Locator, count: number) =>
  eventually(async () => expect(await locator.count()).toBe(count));

interface Listed {
  id: string;
  filename: string;
  status: string;
  url?: string;
  tags: { name: string; source: string; box?: Box }[];
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Within a couple of pixels, each side: what the eye cannot tell apart. */
const expectNear = (actual: Rect | null, expected: Rect) => {
  expect(actual).not.toBeNull();
  for (const key of ['x', 'y', 'width', 'height'] as const)
    expect(
      Math.abs(actual![key] - expected[key]),
      `${key}: ${actual![key]} vs ${expected[key]}`,
    ).toBeLessThanOrEqual(2);
};

describe('editing tags and searching in the gallery (chromium)', () => {
  let server: GalleryServer;
  let browser: Browser;
  let page: Page;
  let token: string;
  const requests: Request[] = [];

  // `bearer`: another person's token, for a test that needs a catalog of its own.
  async function api<T>(method: string, path: string, body?: unknown, bearer = token): Promise<T> {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async function upload(file: string, contentType: string, bearer = token): Promise<void> {
    const bytes = readFileSync(join(FIXTURES, file));
    const created = await api<{ upload: { url: string; headers?: Record<string, string> } }>(
      'POST',
      '/images',
      { filename: file, contentType, size: bytes.length },
      bearer,
    );
    const put = await fetch(created.upload.url, {
      method: 'PUT',
      headers: { 'Content-Type': contentType, ...created.upload.headers },
      body: bytes,
    });
    expect(put.ok).toBe(true);
  }

  const listed = async (bearer = token) =>
    (await api<{ items: Listed[] }>('GET', '/images', undefined, bearer)).items;
  const byName = async (filename: string) =>
    (await listed()).find((image) => image.filename === filename)!;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startGalleryServer();
    await api('POST', '/signup', USER);
    token = (await api<{ token: string }>('POST', '/signin', USER)).token;
    await upload('astronaut.png', 'image/png');
    await upload('bus.jpg', 'image/jpeg');
    await eventually(
      async () =>
        expect((await listed()).map((image) => image.status)).toEqual(['tagged', 'tagged']),
      { timeoutMs: TAGGING_MS },
    );
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('request', (request) => requests.push(request));
    await page.goto(`${server.url}/`);
    await page.getByLabel('Username').fill(USER.username);
    await page.getByLabel('Password').fill(USER.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await seeCount(page.getByRole('list', { name: 'Images' }).getByRole('listitem'), 2);
  }, TAGGING_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const cards = () => page.getByRole('list', { name: 'Images' }).getByRole('listitem');

  it('when a tag is added and removed in the detail view, then the image carries it as the user’s, then not', async () => {
    await page.getByRole('button', { name: 'astronaut.png' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    // The facts a person looks for: a download link, the size, the dimensions, the date.
    expect(
      await dialog.getByRole('link', { name: 'Download original' }).getAttribute('href'),
    ).toBeTruthy();
    await seeText(dialog, /KiB|MiB/);
    await seeText(dialog, /\d+ × \d+/);

    await dialog.getByLabel('Add a tag').fill('NASA');
    await dialog.getByLabel('Add a tag').press('Enter');
    await dialog.getByRole('button', { name: 'Remove tag nasa' }).waitFor();
    await eventually(async () =>
      expect((await byName('astronaut.png')).tags).toContainEqual(
        expect.objectContaining({ name: 'nasa', source: 'user' }),
      ),
    );

    await dialog.getByRole('button', { name: 'Remove tag nasa' }).click();
    await eventually(async () =>
      expect(await dialog.getByRole('button', { name: 'Remove tag nasa' }).count()).toBe(0),
    );
    await eventually(async () =>
      expect((await byName('astronaut.png')).tags.map((tag) => tag.name)).not.toContain('nasa'),
    );
    await page.keyboard.press('Escape');
  });

  it('when the pointer or the focus is on a located tag, then its box is outlined over the picture, with its name', async () => {
    const bus = await byName('bus.jpg');
    const located = bus.tags.find((tag) => tag.name === 'bus')?.box;
    expect(located).toBeDefined();
    expect(bus.tags.find((tag) => tag.name === 'vehicle')?.box).toBeUndefined();
    const box = located!;

    // The full-size picture is held back: the pointer gets to the chip before it has a size.
    const original = new URL(bus.url!).pathname;
    const isOriginal = (url: URL) => url.pathname === original;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let requested = false;
    let passed: Promise<void> | undefined;
    await page.route(isOriginal, (route) => {
      requested = true;
      passed = held.then(() => route.continue());
      return passed;
    });

    await page.getByRole('button', { name: 'bus.jpg' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const chips = dialog.getByRole('list', { name: 'Tags' }).getByRole('listitem');
    const chip = (name: string) => chips.filter({ hasText: new RegExp(`^${name}\\b`) });
    const outline = dialog.locator('.tag-outline');
    const picture = dialog.getByRole('img');
    await eventually(() => expect(requested).toBe(true));
    await chip('bus').hover();
    const chipBefore = await chip('bus').boundingBox();
    expect(await outline.isVisible()).toBe(false);
    release();
    await passed;
    await page.unroute(isOriginal);

    // Where the picture is drawn: letterboxed or not, its content's rectangle on the page.
    const pictureRect = () =>
      picture.evaluate((element): Rect => {
        const img = element as unknown as {
          naturalWidth: number;
          naturalHeight: number;
          getBoundingClientRect(): Rect;
        };
        const shown = img.getBoundingClientRect();
        const scale = Math.min(shown.width / img.naturalWidth, shown.height / img.naturalHeight);
        const width = img.naturalWidth * scale;
        const height = img.naturalHeight * scale;
        return {
          x: shown.x + (shown.width - width) / 2,
          y: shown.y + (shown.height - height) / 2,
          width,
          height,
        };
      });
    const boxOnPage = async (): Promise<Rect> => {
      const on = await pictureRect();
      return {
        x: on.x + box.x * on.width,
        y: on.y + box.y * on.height,
        width: box.w * on.width,
        height: box.h * on.height,
      };
    };
    const seeOutline = () =>
      eventually(async () => {
        expect(await outline.isVisible()).toBe(true);
        expect(await outline.textContent()).toBe('bus');
        expectNear(await outline.boundingBox(), await boxOnPage());
      });

    // Once the picture is in, the box shows where it was pointed at; the picture had its room
    // already, so the chip stayed under the pointer.
    await seeOutline();
    expect((await pictureRect()).width).toBeGreaterThan(100);
    expectNear(await chip('bus').boundingBox(), chipBefore!);

    // Away from the chip, it goes; on a tag without a box, none shows.
    await page.mouse.move(0, 0);
    await eventually(async () => expect(await outline.isVisible()).toBe(false));
    await chip('vehicle').hover();
    expect(await outline.isVisible()).toBe(false);
    await page.mouse.move(0, 0);

    // The keyboard: tabbing to the chip's × button shows the box too, and leaving it hides it.
    await dialog.getByRole('link', { name: 'Download original' }).focus();
    const focusedLabel = () =>
      page.evaluate<string | null>(`document.activeElement.getAttribute('aria-label')`);
    for (let i = 0; i < 10 && (await focusedLabel()) !== 'Remove tag bus'; i++)
      await page.keyboard.press('Tab');
    expect(await focusedLabel()).toBe('Remove tag bus');
    await seeOutline();

    // A smaller window: the picture shrinks and the outline with it.
    await page.setViewportSize({ width: 700, height: 520 });
    await seeOutline();
    await page.setViewportSize({ width: 1280, height: 800 });
    await seeOutline();

    await dialog.getByLabel('Add a tag').focus();
    await eventually(async () => expect(await outline.isVisible()).toBe(false));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  it('when every image on the page is selected and a tag added, then both carry it', async () => {
    await page.getByRole('button', { name: 'Select all on page' }).click();
    await page.getByLabel('Tags for the selected images').fill('2024 trip');
    await page.getByRole('button', { name: 'Add to selected' }).click();
    await eventually(async () => {
      const names = (await listed()).map((image) => image.tags.map((tag) => tag.name));
      expect(names.every((tags) => tags.includes('2024 trip'))).toBe(true);
    });
    await seeText(cards().nth(0), /2024 trip/);
    await seeText(cards().nth(1), /2024 trip/);
    await page.getByRole('button', { name: 'Clear selection' }).click();
  });

  it(
    'when one image is clicked and a third shift-clicked, then the range between is selected and a removal reaches exactly those',
    async () => {
      // A person of their own with four images, so the other tests keep their two-image catalog and
      // one image is left outside the range.
      const carol = { username: 'carol', password: 'wonderland' };
      await api('POST', '/signup', carol);
      const carolToken = (await api<{ token: string }>('POST', '/signin', carol)).token;
      for (const [file, type] of [
        ['astronaut.png', 'image/png'],
        ['boat.jpg', 'image/jpeg'],
        ['bus.jpg', 'image/jpeg'],
        ['car.jpg', 'image/jpeg'],
      ] as const)
        await upload(file, type, carolToken);
      const carols = () => listed(carolToken);
      await eventually(
        async () =>
          expect((await carols()).every((image) => image.status !== 'pending')).toBe(true),
        { timeoutMs: TAGGING_MS },
      );
      // A tag of the user's on all four, set through the API: what the model finds plays no part.
      await api(
        'POST',
        '/images/tags',
        { ids: (await carols()).map((image) => image.id), add: ['album'] },
        carolToken,
      );

      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const own = await context.newPage();
        await own.goto(`${server.url}/`);
        await own.getByLabel('Username').fill(carol.username);
        await own.getByLabel('Password').fill(carol.password);
        await own.getByRole('button', { name: 'Sign in' }).click();
        const grid = own.getByRole('list', { name: 'Images' });
        await seeCount(grid.getByRole('listitem'), 4);
        // Page order as the person sees it, read from the page rather than assumed.
        const order = await grid.getByRole('button').allTextContents();
        expect(order.toSorted()).toEqual(['astronaut.png', 'boat.jpg', 'bus.jpg', 'car.jpg']);
        const box = (filename: string) =>
          grid.getByRole('checkbox', { name: `Select ${filename}` });
        const [a, b, c, outside] = order as [string, string, string, string];

        await box(a).click();
        await box(c).click({ modifiers: ['Shift'] });
        for (const name of [a, b, c]) expect(await box(name).isChecked(), name).toBe(true);
        expect(await box(outside).isChecked(), outside).toBe(false);
        await seeText(
          own.getByRole('group', { name: 'Edit the tags of selected images' }),
          /\b3 selected\./,
        );

        // Every image's tags before and after: the three lose exactly `album`, the fourth nothing.
        const tagsByName = async () =>
          Object.fromEntries(
            (await carols()).map((image) => [
              image.filename,
              image.tags.map((tag) => tag.name).toSorted(),
            ]),
          );
        const before = await tagsByName();
        expect(Object.values(before).every((tags) => tags.includes('album'))).toBe(true);
        await own.getByLabel('Tags for the selected images').fill('album');
        await own.getByRole('button', { name: 'Remove from selected' }).click();
        const without = (name: string) => before[name]!.filter((tag) => tag !== 'album');
        await eventually(async () =>
          expect(await tagsByName()).toEqual({
            [a]: without(a),
            [b]: without(b),
            [c]: without(c),
            [outside]: before[outside],
          }),
        );
        await seeText(grid.getByRole('listitem').filter({ hasText: outside }), /album/);
      } finally {
        await context.close();
      }
    },
    TAGGING_MS + 30_000,
  );

  it('when words are searched, then the URL holds them, a reload keeps the view and back restores it', async () => {
    const before = requests.length;
    await page.getByLabel('Words').fill('astro');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(async () => expect(new URL(page.url()).searchParams.get('q')).toBe('astro'));
    await seeCount(cards(), 1);
    await seeText(cards().nth(0), /astronaut\.png/);
    // One filter change, at most two requests to the API (the listing, perhaps the tag counts).
    const apiCalls = requests
      .slice(before)
      .filter((r) => ['fetch', 'xhr'].includes(r.resourceType()));
    expect(apiCalls.length).toBeLessThanOrEqual(2);

    await page.reload();
    await seeCount(cards(), 1);
    expect(await page.getByLabel('Words').inputValue()).toBe('astro');

    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(async () =>
      expect(new URL(page.url()).searchParams.get('status')).toBe('failed'),
    );
    await seeCount(cards(), 0);

    await page.goBack();
    await eventually(async () => expect(new URL(page.url()).searchParams.get('status')).toBeNull());
    await seeCount(cards(), 1);
    await page.goBack();
    await eventually(async () => expect(new URL(page.url()).searchParams.get('q')).toBeNull());
    await seeCount(cards(), 2);
  });

  it('when the page loads and its thumbnails arrive, then nothing moves (no layout shift)', async () => {
    // Every layout shift the page makes, from its first paint (as Core Web Vitals' CLS counts).
    await page.addInitScript(`
      window.__shifts = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          if (entry.hadRecentInput) continue;
          window.__shifts.push({
            value: entry.value,
            moved: entry.sources.map((s) => s.node ? (s.node.id || s.node.className || s.node.nodeName) : ''),
          });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    `);
    await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
    await seeCount(cards(), 2);
    await eventually(async () =>
      expect(
        await page.evaluate<boolean>(
          `[...document.querySelectorAll('#grid img')].every((img) => img.complete && img.naturalWidth > 0)`,
        ),
      ).toBe(true),
    );
    // Named, so a failure says what moved.
    expect(await page.evaluate<unknown[]>('window.__shifts')).toEqual([]);
  });

  it('when any-of and untagged filters are set, then exactly their images show', async () => {
    await page.goto(`${server.url}/?anyTags=bus,nasa`);
    await seeCount(cards(), 1);
    await seeText(cards().nth(0), /bus\.jpg/);
    expect(await page.getByLabel('Any of these tags').inputValue()).toMatch(/bus/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await seeCount(cards(), 2);
    await page.getByLabel('Only images without tags').check();
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(async () =>
      expect(new URL(page.url()).searchParams.get('untagged')).toBe('true'),
    );
    await seeCount(cards(), 0);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await seeCount(cards(), 2);
  });

  it('when the last image with a filtered tag is deleted, then its chip goes too', async () => {
    await page.goto(`${server.url}/`);
    await seeCount(cards(), 2);
    const tagList = page.getByRole('list', { name: 'All tags' });
    await tagList.getByRole('button', { name: /^bus/ }).click();
    const chips = page.getByRole('list', { name: 'Selected tags' });
    await seeText(chips, /bus/);
    await seeCount(cards(), 1);

    await page.getByRole('button', { name: 'bus.jpg' }).click();
    const detail = page.getByRole('dialog');
    await detail.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete this image?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await detail.waitFor({ state: 'hidden' });
    await eventually(async () => expect(await chips.getByText('bus').count()).toBe(0));
    expect(new URL(page.url()).searchParams.get('tags')).toBeNull();
  });

  it('when the session has expired, then the page says so and keeps the view', async () => {
    await page.getByLabel('None of these tags').fill('bus');
    await page.getByRole('button', { name: 'Search' }).click();
    await seeCount(cards(), 1);
    // The server refuses the token from now on, as it does once a token has expired (a 401 with
    // a problem body); the page's own token is left as it was.
    await page.route(/\/images(\?|$)/, (route) =>
      route.fulfill({
        status: 401,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401 }),
      }),
    );
    await page.getByLabel('Words').fill('bus');
    await page.getByRole('button', { name: 'Search' }).click();
    await seeText(page.locator('body'), /Your session has expired, sign in again/);
    // The view stays in the URL, so signing in again returns to it.
    const params = new URL(page.url()).searchParams;
    expect({ q: params.get('q'), notTags: params.get('notTags') }).toEqual({
      q: 'bus',
      notTags: 'bus',
    });
  });
});
