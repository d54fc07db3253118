// The web gallery in a real browser, used as a person would: by roles and labels. Debian's
// chromium (playwright-core) against pixtag started like `npm start`, with the real model.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page, Request, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { FIXTURES } from '../support/local-app.js';
import { launchChromium, startGalleryServer, type GalleryServer } from './support.js';

const SCREENSHOT = join(import.meta.dirname, '..', '..', 'docs', 'gallery.png');
const TAGGING_MS = 90_000;

const textOf = async (locator: Locator) => (await locator.textContent()) ?? '';
const seeText = (locator: Locator, expected: string | RegExp, timeoutMs = 15_000) =>
  eventually(async () => expect(await textOf(locator)).toMatch(expected), { timeoutMs });
const seeCount = (locator: Locator, count: number) =>
  eventually(async () => expect(await locator.count()).toBe(count));

describe('the web gallery in chromium', () => {
  let server: GalleryServer;
  let browser: Browser;
  let page: Page;
  const requests: Request[] = [];

  beforeAll(async () => {
    // The browser first: without one the test fails before a server is left to stop.
    browser = await launchChromium();
    server = await startGalleryServer();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('request', (request) => requests.push(request));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('when a person signs up, uploads, filters, opens, retags, deletes and signs out, then every step shows', async () => {
    // The page and every asset it pulls in come from this origin (bench/gallery.ts counts bytes).
    const firstLoad: string[] = [];
    const onResponse = (response: Response) => firstLoad.push(new URL(response.url()).origin);
    page.on('response', onResponse);
    await page.goto(`${server.url}/`, { waitUntil: 'networkidle' });
    page.off('response', onResponse);
    expect(firstLoad.length).toBeGreaterThanOrEqual(3);
    expect(firstLoad.every((origin) => origin === server.url)).toBe(true);

    const username = page.getByLabel('Username');
    const password = page.getByLabel('Password');
    const authError = page.locator('#auth-form').getByRole('alert');
    const signOut = page.getByRole('button', { name: 'Sign out' });

    // Sign up: the API's validation, in words; then an account, signed in.
    // A fresh DATA_DIR each run: a fixed name keeps the screenshot the same from run to run.
    const name = 'alice';
    await username.fill(name);
    await password.fill('short');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await seeText(authError, /password must be 8 to 256 characters/i);
    await password.fill('wonderland');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await signOut.waitFor();
    await seeText(page.getByRole('status'), `Signed in as ${name}.`);

    // Sign out, then sign in: a wrong password is refused in words, the right one lets in.
    await signOut.click();
    await username.waitFor();
    await username.fill(name);
    await password.fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await seeText(authError, /\w+/);
    expect(await signOut.isVisible()).toBe(false);
    await password.fill('wonderland');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await signOut.waitFor();

    // A file of the wrong type is refused in the page: a message, and no request at all.
    const picker = page.getByLabel('Choose images');
    const before = requests.length;
    await picker.setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('hello'),
    });
    await seeText(
      page.locator('#upload').getByRole('alert'),
      'notes.txt was not uploaded: it is not a JPEG, PNG, WebP or GIF image.',
    );
    expect(requests.slice(before).map((r) => `${r.method()} ${r.url()}`)).toEqual([]);

    // Dropped on the page, a photo over the size limit is refused the same way.
    const drop = await page.evaluateHandle(`(() => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(10 * 1024 * 1024 + 1)], 'huge.jpg', { type: 'image/jpeg' }));
      return data;
    })()`);
    await page.locator('#drop-zone').dispatchEvent('drop', { dataTransfer: drop });
    await seeText(
      page.locator('#upload').getByRole('alert'),
      'huge.jpg was not uploaded: it is larger than the 10 MiB allowed.',
    );
    expect(requests.slice(before).map((r) => `${r.method()} ${r.url()}`)).toEqual([]);

    // Two photos through the picker: a progress bar each, then pending, then their tags.
    const uploads = page.getByRole('list', { name: 'Uploads' });
    await picker.setInputFiles([join(FIXTURES, 'astronaut.png'), join(FIXTURES, 'bus.jpg')]);
    const tagged = async (file: string, tags: RegExp) => {
      const bar = page.getByRole('progressbar', { name: `Upload of ${file}` });
      await bar.waitFor();
      await eventually(async () => expect(await bar.getAttribute('value')).toBe('100'));
      await seeText(uploads.getByRole('listitem').filter({ hasText: file }), tags, TAGGING_MS);
    };
    await Promise.all([
      tagged('astronaut.png', /astronaut\.png\s*face, people, portrait, person$/),
      tagged('bus.jpg', /bus\.jpg\s*bus, vehicle, people, person$/),
    ]);

    // The grid, newest first: both cards with their tags as text and their status.
    const grid = page.getByRole('list', { name: 'Images' });
    const cards = grid.getByRole('listitem');
    await seeCount(cards, 2);
    await seeText(cards.nth(0), /bus\.jpg.*bus, vehicle, people, person.*tagged/);
    await seeText(cards.nth(1), /astronaut\.png.*person.*tagged/);
    const tagList = page.getByRole('list', { name: 'All tags' });
    // Most used first, ties by name: a label's broader word (people, vehicle) counts like a tag.
    await seeText(tagList, /people \(2\).*person \(2\).*bus \(1\).*vehicle \(1\)/);

    // The grid never loads a full-size image: no request for an original's path so far.
    // (Page functions as strings: this file is compiled without the DOM's types.)
    const listed = await page.evaluate<Array<{ filename: string; url: string }>>(`fetch('images', {
      headers: { Authorization: 'Bearer ' + sessionStorage.getItem('pixtag.token') },
    }).then((response) => response.json()).then((page) => page.items)`);
    const originals = new Map(listed.map((image) => [image.filename, new URL(image.url).pathname]));
    // (Same path as the upload's PUT: only GETs count.)
    const requestedPaths = () =>
      requests.filter((r) => r.method() === 'GET').map((r) => new URL(r.url()).pathname);
    expect(requestedPaths().filter((path) => [...originals.values()].includes(path))).toEqual([]);

    // Filter: one tag, then a second (AND); the selection shows as removable chips.
    await tagList.getByRole('button', { name: /^person/ }).click();
    await page.getByRole('button', { name: 'Remove tag person' }).waitFor();
    await seeCount(cards, 2);
    await tagList.getByRole('button', { name: /^bus/ }).click();
    await seeCount(cards, 1);
    await seeText(cards.nth(0), /bus\.jpg/);
    expect(await tagList.getByRole('button', { name: /^bus/ }).getAttribute('aria-pressed')).toBe(
      'true',
    );
    await page.getByRole('button', { name: 'Remove tag person' }).click();
    await seeCount(cards, 1);
    await page.getByRole('button', { name: 'Remove tag bus' }).click();
    await seeCount(cards, 2);

    // Thumbnails instead: each card's image is at most 320 px wide, and loaded.
    const thumbnails = grid.getByRole('img');
    await seeCount(thumbnails, 2);
    for (const thumbnail of await thumbnails.all()) {
      await eventually(async () => {
        const width = await thumbnail.evaluate(
          (img) => (img as { naturalWidth?: number }).naturalWidth,
        );
        expect(width).toBeGreaterThan(0);
        expect(width).toBeLessThanOrEqual(320);
      });
    }

    // The screenshot, with a status line that is the same on every run.
    await seeText(page.getByRole('status'), 'Showing all images.');
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    expect(requestedPaths().filter((path) => [...originals.values()].includes(path))).toEqual([]);

    // Detail: the full-size image, each tag with its confidence; retag; delete after confirming.
    await grid.getByRole('button', { name: 'bus.jpg' }).click();
    const detail = page.getByRole('dialog', { name: 'bus.jpg' });
    await detail.waitFor();
    const full = detail.getByRole('img', { name: /^Photo of bus, vehicle, people, person$/ });
    await full.waitFor();
    await eventually(async () =>
      expect(
        await full.evaluate((img) => (img as { naturalWidth?: number }).naturalWidth),
      ).toBeGreaterThan(320),
    );
    expect(requestedPaths()).toContain(originals.get('bus.jpg'));
    await seeText(detail.getByRole('list'), /bus \d+%.*person \d+%|person \d+%.*bus \d+%/);

    const retagged = page.waitForResponse((r) => r.url().endsWith('/retag') && r.status() === 202);
    await detail.getByRole('button', { name: 'Retag' }).click();
    await retagged;
    await seeText(detail, /Tagged/, TAGGING_MS);
    await seeText(detail.getByRole('list'), /bus \d+%/);

    await detail.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Delete this image?' });
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await detail.waitFor({ state: 'hidden' });
    await seeCount(cards, 1);
    await seeText(cards.nth(0), /astronaut\.png/);
    await seeText(tagList, /^face \(1\)\s*people \(1\)\s*person \(1\)\s*portrait \(1\)$/);
    await seeText(page.getByRole('status'), 'bus.jpg deleted.');

    // Sign out: back to the form, the token gone from the tab.
    await signOut.click();
    await username.waitFor();
    expect(await page.evaluate(`sessionStorage.getItem('pixtag.token')`)).toBeNull();

    // A token the API no longer accepts brings the person back to sign-in, with the reason.
    await page.evaluate(`sessionStorage.setItem('pixtag.token', 'expired');
      sessionStorage.setItem('pixtag.username', 'someone')`);
    await page.reload();
    await seeText(authError, 'Your session has expired, sign in again.');
    expect(await signOut.isVisible()).toBe(false);

    expect(readFileSync(SCREENSHOT).subarray(1, 4).toString()).toBe('PNG');
  }, 240_000);

  it('when a person has more images than a page, then "Load more" and scrolling fetch the next pages', async () => {
    // 30 images created through the API (left pending: no bytes needed to page through them).
    const call = async (path: string, body: unknown, token?: string) => {
      const response = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      expect(response.ok).toBe(true);
      return (await response.json()) as { token: string };
    };
    const credentials = { username: 'many', password: 'many photos' };
    await call('/signup', credentials);
    const { token } = await call('/signin', credentials);
    for (let i = 1; i <= 30; i++) {
      await call(
        '/images',
        { contentType: 'image/png', size: 100, filename: `photo-${i}.png` },
        token,
      );
    }

    const reader = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await reader.goto(`${server.url}/`);
    await reader.getByLabel('Username').fill(credentials.username);
    await reader.getByLabel('Password').fill(credentials.password);
    await reader.getByRole('button', { name: 'Sign in' }).click();
    const cards = reader.getByRole('list', { name: 'Images' }).getByRole('listitem');
    const loadMore = reader.getByRole('button', { name: 'Load more' });

    // One page (newest first), then the rest by pressing the button.
    await seeCount(cards, 24);
    await seeText(cards.nth(0), /photo-30\.png.*pending/);
    await loadMore.click();
    await seeCount(cards, 30);
    await seeText(cards.nth(29), /photo-1\.png/);
    expect(await loadMore.isVisible()).toBe(false);

    // Again from the start, by scrolling only.
    await reader.reload();
    await seeCount(cards, 24);
    await reader.mouse.wheel(0, 10_000);
    await seeCount(cards, 30);
    await reader.close();
  }, 120_000);
});
