// The detail view, a modal <dialog> (Escape closes it, focus stays inside): the image at full size,
// its size, dimensions, upload date and a download link, its tags to edit (detail-tags.ts) whose
// boxes it outlines over the image (tag-outline.ts), "Retag", and "Delete" behind a confirmation.
import { ApiError, type Api } from './api.js';
import { announce } from './announce.js';
import type { Image } from './contract.js';
import { DetailTags } from './detail-tags.js';
import { altText, byId, formatBytes, h } from './dom.js';
import { TagOutline } from './tag-outline.js';

export interface DetailOptions {
  api: Api;
  settled(id: string): Promise<Image>;
  onChanged(image: Image): void;
  onDeleted(id: string): void;
}

export class DetailView {
  private readonly dialog = byId('detail', HTMLDialogElement);
  private readonly title = byId('detail-title', HTMLHeadingElement);
  private readonly figure = byId('detail-figure', HTMLDivElement);
  private readonly status = byId('detail-status', HTMLParagraphElement);
  private readonly facts = byId('detail-facts', HTMLDListElement);
  private readonly download = byId('detail-download', HTMLAnchorElement);
  private readonly tags: DetailTags;
  private readonly outline = new TagOutline();
  private readonly retagButton = byId('retag', HTMLButtonElement);
  private readonly deleteButton = byId('delete', HTMLButtonElement);
  private readonly error = byId('detail-error', HTMLParagraphElement);
  private readonly confirm = byId('confirm-delete', HTMLDialogElement);
  private readonly confirmText = byId('confirm-text', HTMLParagraphElement);
  private image: Image | undefined;

  constructor(private readonly options: DetailOptions) {
    this.tags = new DetailTags({
      api: options.api,
      current: () => this.image,
      onEdited: (image) => {
        this.show(image);
        options.onChanged(image);
      },
      onError: (error) => this.fail(error),
      outline: this.outline,
    });
    byId('detail-close', HTMLButtonElement).addEventListener('click', () => this.close());
    this.retagButton.addEventListener('click', () => void this.retag());
    this.deleteButton.addEventListener('click', () => {
      if (!this.image) return;
      this.confirmText.textContent = `${this.image.filename} and its tags will be gone for good.`;
      this.confirm.showModal();
      byId('confirm-cancel', HTMLButtonElement).focus();
    });
    byId('confirm-cancel', HTMLButtonElement).addEventListener('click', () => this.confirm.close());
    byId('confirm-ok', HTMLButtonElement).addEventListener('click', () => void this.delete());
    this.dialog.addEventListener('close', () => {
      this.image = undefined;
      this.figure.replaceChildren(); // stops a large download no one will see
      this.outline.reset();
    });
  }

  async open(image: Image): Promise<void> {
    this.image = image;
    this.error.textContent = '';
    this.tags.reset();
    this.render(image, true);
    this.dialog.showModal();
    // The listing's signed URL may be old by now: ask for a fresh one.
    try {
      const fresh = await this.options.api.getImage(image.id);
      if (this.image?.id === image.id) this.show(fresh);
    } catch (error) {
      this.fail(error);
    }
  }

  close(): void {
    if (this.confirm.open) this.confirm.close();
    if (this.dialog.open) this.dialog.close();
  }

  /** The image changed elsewhere (tagged meanwhile, say): shown if it is the one open. */
  show(image: Image): void {
    if (this.image?.id !== image.id) return;
    this.image = image;
    this.render(image, false);
  }

  private render(image: Image, loadingImage: boolean): void {
    this.title.textContent = image.filename;
    if (!loadingImage && image.url) {
      const current = this.figure.querySelector('img');
      if (current?.dataset.id !== image.id) {
        const shown = h('img', { src: image.url, alt: altText(image), 'data-id': image.id });
        this.reserveRoom(shown, image);
        this.figure.replaceChildren(shown, this.outline.element);
        this.outline.over(shown);
      } else current.alt = altText(image);
    }
    this.status.textContent =
      image.status === 'failed'
        ? `Failed: ${image.error ?? 'it could not be tagged'}`
        : image.status === 'pending'
          ? 'Pending: being tagged…'
          : `Tagged ${new Date(image.taggedAt ?? image.createdAt).toLocaleString()}`;
    this.renderFacts(image);
    this.tags.render(image);
    this.outline.retag(image.tags);
    this.retagButton.disabled = image.status === 'pending';
  }

  /**
   * The picture's room, from the dimensions the API knows, before a byte of it arrives: the
   * dialog does not jump when it loads, and a tag the pointer is on stays under it.
   */
  private reserveRoom(shown: HTMLImageElement, image: Image): void {
    if (image.width && image.height) {
      shown.width = image.width;
      shown.height = image.height;
      this.figure.style.setProperty('--ratio', String(image.width / image.height));
    } else {
      this.figure.style.removeProperty('--ratio');
    }
  }

  private renderFacts(image: Image): void {
    const created = new Date(image.createdAt);
    const fact = (term: string, ...value: Array<Node | string>) => [
      h('dt', {}, term),
      h('dd', {}, ...value),
    ];
    this.facts.replaceChildren(
      ...fact('Size', formatBytes(image.size)),
      ...(image.width && image.height
        ? fact('Dimensions', `${image.width} × ${image.height} px`)
        : []),
      ...fact(
        'Uploaded',
        h(
          'time',
          { datetime: image.createdAt },
          created.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
        ),
      ),
    );
    // The listing's URL may be stale: only the fresh one (open() asks for it) is offered.
    this.download.hidden = !image.url;
    if (image.url) {
      this.download.href = image.url;
      this.download.download = image.filename;
    } else {
      this.download.removeAttribute('href');
    }
  }

  private async retag(): Promise<void> {
    const image = this.image;
    if (!image) return;
    this.error.textContent = '';
    try {
      const pending = await this.options.api.retag(image.id);
      this.show(pending);
      this.options.onChanged(pending);
      announce(`Retagging ${image.filename}…`);
      const settled = await this.options.settled(image.id);
      this.show(settled);
      this.options.onChanged(settled);
      announce(
        settled.status === 'tagged'
          ? `${image.filename} tagged again: ${settled.tags.map((t) => t.name).join(', ') || 'no tags'}.`
          : `${image.filename} could not be tagged.`,
      );
    } catch (error) {
      this.fail(error);
    }
  }

  private async delete(): Promise<void> {
    const image = this.image;
    this.confirm.close();
    if (!image) return;
    try {
      await this.options.api.deleteImage(image.id);
      this.close();
      this.options.onDeleted(image.id);
      announce(`${image.filename} deleted.`);
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    if (error instanceof ApiError && error.status === 401) return; // back to sign-in already
    this.error.textContent = error instanceof Error ? error.message : String(error);
  }
}
