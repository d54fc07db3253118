// The grid: the person's images newest first, a page at a time (cursor pagination), the next
// page loaded by "Load more" or when that button scrolls into view. Cards show the thumbnail
// (never the full-size image), the tags as text, the status and a box to select it for a bulk
// edit; pending cards update themselves. Every preview has a fixed 4:3 box (CSS aspect-ratio and
// width/height attributes), so a thumbnail that arrives late moves nothing: no layout shift.
import { ApiError, type Api } from './api.js';
import { announce } from './announce.js';
import type { Image } from './contract.js';
import { altText, byId, h } from './dom.js';
import type { Selection } from './selection.js';
import { EMPTY_VIEW, isFiltered, viewMatches, type ViewState } from './view-state.js';

const PAGE_SIZE = 24;

export interface GalleryOptions {
  api: Api;
  settled(id: string): Promise<Image>;
  onSettled(image: Image): void;
  onOpen(image: Image): void;
  selection: Selection;
}

export class Gallery {
  private readonly grid = byId('grid', HTMLUListElement);
  private readonly loadMoreButton = byId('load-more', HTMLButtonElement);
  private readonly empty = byId('gallery-empty', HTMLParagraphElement);
  private readonly cards = new Map<string, { image: Image; element: HTMLLIElement }>();
  private readonly observer: IntersectionObserver;
  private readonly resigned = new Set<string>();
  private view: ViewState = EMPTY_VIEW;
  private cursor: string | null = null;
  private hasMore = false;
  private loading = false;
  /** Bumped by every new listing, so a late page of an old one is dropped. */
  private generation = 0;

  constructor(private readonly options: GalleryOptions) {
    this.loadMoreButton.addEventListener('click', () => void this.loadMore());
    this.observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void this.loadMore();
    });
  }

  /** Lists the view from the start: one GET /images. */
  async show(view: ViewState): Promise<void> {
    this.clear();
    this.view = view;
    this.hasMore = true;
    await this.loadMore();
  }

  clear(): void {
    this.generation++;
    for (const id of this.cards.keys()) this.options.selection.forget(id);
    this.cards.clear();
    this.grid.replaceChildren();
    this.cursor = null;
    this.hasMore = false;
    this.loading = false;
    this.observer.disconnect();
    this.updateControls();
  }

  async loadMore(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    const generation = this.generation;
    this.loading = true;
    this.updateControls();
    try {
      const page = await this.options.api.listImages(this.view, this.cursor, PAGE_SIZE);
      if (generation !== this.generation) return;
      for (const image of page.items) this.place(image, 'append');
      this.cursor = page.nextCursor;
      this.hasMore = page.nextCursor !== null;
    } catch (error) {
      if (generation === this.generation && !(error instanceof ApiError && error.status === 401))
        announce(
          `Images could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
        );
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.updateControls();
      }
    }
  }

  /** A new or changed image: its card is replaced, or added first if the filter lets it in. */
  upsert(image: Image): void {
    const card = this.cards.get(image.id);
    if (card) {
      if (this.matches(image)) this.place(image, 'replace');
      else this.remove(image.id);
    } else if (this.matches(image)) {
      this.place(image, 'prepend');
    }
    this.updateControls();
  }

  remove(id: string): void {
    this.cards.get(id)?.element.remove();
    this.cards.delete(id);
    this.options.selection.forget(id);
    this.updateControls();
  }

  /** The cards' ids in grid order. */
  ids(): string[] {
    return [...this.cards.keys()].sort((a, b) => this.position(a) - this.position(b));
  }

  /** Each card's box says whether it is selected. */
  syncSelection(): void {
    for (const [id, { element }] of this.cards) {
      const box = element.querySelector<HTMLInputElement>('input.card-select');
      if (box) box.checked = this.options.selection.has(id);
    }
  }

  private position(id: string): number {
    const element = this.cards.get(id)?.element;
    return element ? [...this.grid.children].indexOf(element) : -1;
  }

  private matches(image: Image): boolean {
    return viewMatches(this.view, image);
  }

  private place(image: Image, where: 'append' | 'prepend' | 'replace'): void {
    const element = this.card(image);
    const old = this.cards.get(image.id);
    if (old) old.element.replaceWith(element);
    else if (where === 'prepend') this.grid.prepend(element);
    else this.grid.append(element);
    this.cards.set(image.id, { image, element });
    if (image.status === 'pending') {
      const generation = this.generation;
      this.options.settled(image.id).then(
        (settled) => {
          if (generation !== this.generation) return;
          this.upsert(settled);
          this.options.onSettled(settled);
        },
        () => {}, // given up or signed out: the card stays as it was
      );
    }
  }

  private card(image: Image): HTMLLIElement {
    const open = () => this.options.onOpen(this.cards.get(image.id)?.image ?? image);
    const preview = image.thumbnailUrl
      ? h('img', {
          src: image.thumbnailUrl,
          alt: altText(image),
          // The box's ratio before a byte arrives (the CSS sets the same 4:3 and crops to it).
          width: '320',
          height: '240',
          loading: 'lazy',
          decoding: 'async',
        })
      : h(
          'div',
          { class: 'placeholder', role: 'img', 'aria-label': altText(image) },
          image.status === 'pending' ? 'Processing…' : 'No preview',
        );
    preview.addEventListener('click', open);
    if (image.thumbnailUrl) preview.addEventListener('error', () => void this.resign(image.id));
    const tags = image.tags.map((tag) => tag.name).join(', ');
    const status =
      image.status === 'failed'
        ? `failed: ${image.error ?? 'it could not be tagged'}`
        : image.status;
    const button = h('button', { type: 'button', class: 'card-open' }, image.filename);
    button.addEventListener('click', open);
    const select = h('input', {
      type: 'checkbox',
      class: 'card-select',
      'aria-label': `Select ${image.filename}`,
      checked: this.options.selection.has(image.id),
    });
    select.addEventListener('click', (event) =>
      this.options.selection.click(image.id, select.checked, event.shiftKey),
    );
    return h(
      'li',
      { class: 'card', 'data-status': image.status },
      h('figure', {}, preview, h('figcaption', {}, button)),
      select,
      h('p', { class: 'card-tags' }, tags || (image.status === 'pending' ? '' : 'no tags')),
      h('p', { class: 'card-status' }, status),
    );
  }

  /**
   * A thumbnail that fails to load has most likely outlived its signed URL (the page was open a
   * while): the image is asked for again, once, for a fresh one.
   */
  private async resign(id: string): Promise<void> {
    if (this.resigned.has(id)) return;
    this.resigned.add(id);
    const generation = this.generation;
    const fresh = await this.options.api.getImage(id).catch(() => undefined);
    if (fresh && generation === this.generation) this.upsert(fresh);
  }

  private updateControls(): void {
    // Hidden while the first page loads: shown, it would be pushed down by the cards (a shift).
    this.loadMoreButton.hidden = !this.hasMore || this.cards.size === 0;
    this.loadMoreButton.disabled = this.loading;
    this.loadMoreButton.setAttribute('aria-busy', String(this.loading));
    this.empty.hidden = this.loading || this.hasMore || this.cards.size > 0;
    this.empty.textContent = isFiltered(this.view)
      ? 'No image matches these filters.'
      : 'No images yet: upload some.';
    // Observed afresh after every page: if the button is still in view, the next page follows.
    this.observer.disconnect();
    if (this.hasMore && !this.loading) this.observer.observe(this.loadMoreButton);
  }
}
