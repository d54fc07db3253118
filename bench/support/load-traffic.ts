// The mixed traffic of bench/load.ts: a closed loop of concurrent workers, each acting for one
// user, each request timed and its status checked. autocannon cannot chain "create, then PUT to
// the URL the answer holds", so this is plain fetch (undici, keep-alive) in a bounded loop.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', '..', 'test', 'fixtures');
/** Real photos of labels the model knows, small enough that the PUT is not the whole story. */
export const PHOTOS = [
  { file: 'bus.jpg', contentType: 'image/jpeg' },
  { file: 'car.jpg', contentType: 'image/jpeg' },
  { file: 'boat.jpg', contentType: 'image/jpeg' },
  { file: 'squirrel.webp', contentType: 'image/webp' },
].map((photo) => ({ ...photo, bytes: readFileSync(join(FIXTURES, photo.file)) }));
const SEARCHED_TAGS = ['bus', 'car', 'boat', 'person', 'car,bus'];

/** Share of each operation in the mix, in percent (reads 80, create-upload 15, deletes 5). */
export const MIX = {
  'GET /images': 20,
  'GET /images?tags': 20,
  'GET /images/:id': 25,
  'GET /tags': 15,
  'POST /images + PUT': 15,
  'DELETE /images/:id': 5,
} as const;
type Operation = keyof typeof MIX;
/** What is timed: each HTTP request on its own (the create-upload is two). */
export const KINDS = [
  'GET /images',
  'GET /images?tags',
  'GET /images/:id',
  'GET /tags',
  'POST /images',
  'PUT upload',
  'DELETE /images/:id',
  'GET /health probe',
] as const;
export type Kind = (typeof KINDS)[number];

export interface KindStats {
  latenciesMs: number[];
  statuses: Map<number, number>;
  /** A status the request should not have had (5xx included). */
  unexpected: number;
  /** No HTTP answer at all: refused, reset, timed out. */
  connectionErrors: number;
}

export interface User {
  auth: { Authorization: string };
  /** Created and not deleted by this run (PUT done or not): what reads and deletes pick from. */
  images: string[];
}

export class Traffic {
  readonly stats = new Map<Kind, KindStats>(
    KINDS.map((kind) => [
      kind,
      { latenciesMs: [], statuses: new Map(), unexpected: 0, connectionErrors: 0 },
    ]),
  );
  /** Every upload whose PUT succeeded, with its owner's index. */
  readonly uploads = new Map<string, number>();
  readonly deleted = new Set<string>();
  /** The first few problems, word for word, to show after the tables. */
  readonly problems: string[] = [];

  constructor(
    private readonly api: string,
    readonly users: User[],
  ) {}

  /** `connections` workers, user i % users.length each, until `endAt` (ms since the epoch). */
  async run(connections: number, endAt: number): Promise<void> {
    const worker = async (index: number) => {
      const user = index % this.users.length;
      while (Date.now() < endAt) await this.act(user, pick());
    };
    await Promise.all(Array.from({ length: connections }, (_, index) => worker(index)));
  }

  /**
   * One GET /health at a time, 10 a second, beside the workers: the route does nothing, so its
   * latency is the time a request waits for the server's event loop.
   */
  async probe(endAt: number): Promise<void> {
    while (Date.now() < endAt) {
      await this.request('GET /health probe', `${this.api}/health`, {});
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** POST /images then PUT a photo to the signed URL; returns the id once the bytes are in. */
  async upload(userIndex: number): Promise<string | undefined> {
    const user = this.users[userIndex]!;
    const photo = PHOTOS[Math.floor(Math.random() * PHOTOS.length)]!;
    const created = await this.request('POST /images', `${this.api}/images`, {
      method: 'POST',
      headers: { ...user.auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ contentType: photo.contentType, size: photo.bytes.length }),
    });
    if (created?.status !== 201) return undefined;
    const { image, upload } = JSON.parse(created.text) as {
      image: { id: string };
      upload: { url: string; headers: Record<string, string> };
    };
    // Readable and deletable from now on: a DELETE may race this very PUT, as a real user's may.
    user.images.push(image.id);
    const put = await this.request('PUT upload', upload.url, {
      method: 'PUT',
      headers: upload.headers,
      body: photo.bytes,
    });
    if (put?.status !== 200) return undefined;
    this.uploads.set(image.id, userIndex);
    return image.id;
  }

  private async act(userIndex: number, operation: Operation): Promise<void> {
    const user = this.users[userIndex]!;
    const { auth } = user;
    const any = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)];
    switch (operation) {
      case 'GET /images':
        await this.request('GET /images', `${this.api}/images`, { headers: auth });
        return;
      case 'GET /images?tags':
        await this.request('GET /images?tags', `${this.api}/images?tags=${any(SEARCHED_TAGS)}`, {
          headers: auth,
        });
        return;
      case 'GET /tags':
        await this.request('GET /tags', `${this.api}/tags`, { headers: auth });
        return;
      case 'GET /images/:id': {
        const id = any(user.images);
        if (id === undefined) return this.act(userIndex, 'GET /images');
        // Another worker of the same user may delete it meanwhile: then 404 is the right answer.
        await this.request('GET /images/:id', `${this.api}/images/${id}`, { headers: auth }, (s) =>
          this.deleted.has(id) ? s === 200 || s === 404 : s === 200,
        );
        return;
      }
      case 'POST /images + PUT':
        await this.upload(userIndex);
        return;
      case 'DELETE /images/:id': {
        if (user.images.length === 0) return this.act(userIndex, 'GET /images');
        // Taken out of the user's list first, so no other worker deletes it twice.
        const [id] = user.images.splice(Math.floor(Math.random() * user.images.length), 1);
        this.deleted.add(id!);
        await this.request(
          'DELETE /images/:id',
          `${this.api}/images/${id}`,
          { method: 'DELETE', headers: auth },
          (s) => s === 204,
        );
        return;
      }
    }
  }

  /** One timed request, its body read; undefined when no HTTP answer came. */
  async request(
    kind: Kind,
    url: string,
    init: RequestInit,
    expected: (status: number) => boolean = (s) => s === 200 || s === 201,
  ): Promise<{ status: number; text: string } | undefined> {
    const stats = this.stats.get(kind)!;
    const started = performance.now();
    try {
      const response = await fetch(url, init);
      const text = await response.text();
      stats.latenciesMs.push(performance.now() - started);
      stats.statuses.set(response.status, (stats.statuses.get(response.status) ?? 0) + 1);
      if (!expected(response.status)) {
        stats.unexpected += 1;
        this.problem(`${kind} → ${response.status} ${text.slice(0, 200)}`);
      }
      return { status: response.status, text };
    } catch (error) {
      stats.connectionErrors += 1;
      const cause = (error as { cause?: unknown }).cause;
      // fetch's cause is an Error (ECONNRESET, …); anything else is printed as data.
      const causeText = cause instanceof Error ? String(cause) : JSON.stringify(cause);
      this.problem(`${kind} → ${String(error)}${cause ? ` (${causeText})` : ''}`);
      return undefined;
    }
  }

  private problem(text: string): void {
    if (this.problems.length < 20) this.problems.push(text);
  }
}

const WEIGHTS = Object.entries(MIX) as [Operation, number][];
const TOTAL = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);

function pick(): Operation {
  let roll = Math.random() * TOTAL;
  for (const [operation, weight] of WEIGHTS) {
    roll -= weight;
    if (roll < 0) return operation;
  }
  return WEIGHTS[0]![0];
}
