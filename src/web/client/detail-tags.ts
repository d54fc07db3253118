// The detail view's tags, editable: each tag with its confidence (the model's) or marked as the
// person's own, a × button to remove it, and a field to add one with autocomplete. Each edit is
// one request (PUT or DELETE /images/:id/tags/:tag) whose answer is the image as it now is.
// A tag with a box says where it is: the pointer on it, or the focus in it, outlines the box.
import type { Api } from './api.js';
import { announce } from './announce.js';
import type { Image, Tag } from './contract.js';
import { byId, h } from './dom.js';
import type { TagOutline } from './tag-outline.js';
import { TagSuggestions } from './tag-suggestions.js';

export interface DetailTagsOptions {
  api: Api;
  /** The image open now, if any. */
  current(): Image | undefined;
  /** An edit's answer: the image with its new tags. */
  onEdited(image: Image): void;
  onError(error: unknown): void;
  /** Where a located tag's box is drawn while it is pointed at or focused. */
  outline: Pick<TagOutline, 'point' | 'focus'>;
}

export class DetailTags {
  private readonly list = byId('detail-tags', HTMLUListElement);
  private readonly form = byId('add-tag-form', HTMLFormElement);
  private readonly input = byId('add-tag', HTMLInputElement);
  private readonly suggestions: TagSuggestions;

  constructor(private readonly options: DetailTagsOptions) {
    this.suggestions = new TagSuggestions(
      options.api,
      this.input,
      byId('tag-suggestions', HTMLDataListElement),
      () => options.current()?.tags.map((tag) => tag.name) ?? [],
    );
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.add();
    });
  }

  /** A new image opened: an empty field, suggestions asked afresh. */
  reset(): void {
    this.input.value = '';
    this.suggestions.reset();
  }

  render(image: Image): void {
    this.list.replaceChildren(...image.tags.map((tag) => this.item(tag)));
    if (image.tags.length === 0) this.list.append(h('li', { class: 'hint' }, 'No tags.'));
  }

  private item(tag: Tag): HTMLLIElement {
    const yours = tag.source === 'user';
    const remove = h(
      'button',
      { type: 'button', class: 'tag-remove', 'aria-label': `Remove tag ${tag.name}` },
      '×',
    );
    remove.addEventListener('click', () => void this.remove(tag.name));
    const item = h(
      'li',
      {
        class: ['tag-item', yours && 'tag-user', tag.box && 'tag-located']
          .filter(Boolean)
          .join(' '),
        title: yours
          ? 'Added by you'
          : tag.box
            ? 'Found by the model; point here to see where'
            : 'Found by the model',
      },
      h('span', { class: 'tag-name' }, tag.name),
      yours
        ? h('span', { class: 'visually-hidden' }, ' (added by you)')
        : h('span', { class: 'confidence' }, ` ${Math.round(tag.confidence * 100)}%`),
      remove,
    );
    if (tag.box) {
      const { outline } = this.options;
      item.addEventListener('pointerenter', () => outline.point(tag));
      item.addEventListener('pointerleave', () => outline.point(undefined));
      // The chip's one focusable part is its × button: tabbing to it shows the box too.
      item.addEventListener('focusin', () => outline.focus(tag));
      item.addEventListener('focusout', () => outline.focus(undefined));
    }
    return item;
  }

  private async add(): Promise<void> {
    const image = this.options.current();
    const name = this.input.value.trim().toLowerCase().replace(/\s+/g, ' ');
    if (!image || !name) return;
    const added = await this.edit(
      image,
      () => this.options.api.addTag(image.id, name),
      `Tag ${name} added.`,
    );
    if (!added) return; // the name stays, to be corrected
    this.input.value = '';
    this.suggestions.reset();
    this.input.focus();
  }

  private async remove(name: string): Promise<void> {
    const image = this.options.current();
    if (!image) return;
    await this.edit(
      image,
      () => this.options.api.removeTag(image.id, name),
      `Tag ${name} removed.`,
    );
    // The button is gone with its tag: focus goes to the field rather than to the page's start.
    this.input.focus();
  }

  private async edit(image: Image, request: () => Promise<Image>, done: string): Promise<boolean> {
    try {
      const edited = await request();
      this.options.onEdited(edited);
      announce(done);
      return true;
    } catch (error) {
      this.options.onError(error);
      return false;
    }
  }
}
