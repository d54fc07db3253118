// Waits for an image to leave `pending`: GET /images/:id with back-off (0.25 s growing by 1.4 to 4 s),
// one poll per image however many parts of the page wait for it, given up after 3 minutes (an
// upload that never arrived stays pending for ever).
import type { Api } from './api.js';
import type { Image } from './contract.js';

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 4000;
const GIVE_UP_MS = 3 * 60_000;

export class ImageWatcher {
  private readonly waiting = new Map<string, Promise<Image>>();

  constructor(
    private readonly api: Api,
    private readonly signal: AbortSignal,
  ) {}

  /** The image once tagged or failed; rejects if the wait is given up or signed out. */
  settled(id: string): Promise<Image> {
    let wait = this.waiting.get(id);
    if (!wait) {
      wait = this.poll(id).finally(() => this.waiting.delete(id));
      this.waiting.set(id, wait);
    }
    return wait;
  }

  private async poll(id: string): Promise<Image> {
    const deadline = Date.now() + GIVE_UP_MS;
    let delay = FIRST_DELAY_MS;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.signal.aborted) throw new Error('signed out');
      const image = await this.api.getImage(id);
      if (image.status !== 'pending') return image;
      if (Date.now() > deadline) throw new Error(`${image.filename} is still pending`);
      delay = Math.min(delay * 1.4, MAX_DELAY_MS);
    }
  }
}
