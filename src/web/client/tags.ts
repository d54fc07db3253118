// The tag list (every tag of the person, with counts) and the filter built from it: clicking a
// tag toggles it; the selected tags show as removable chips; the gallery shows images having all.
// A selected tag that no image has any more (its last image deleted or untagged) is dropped from
// the selection, chip and all, once the counts say so.
import { ApiError, type Api } from './api.js';
import { announce } from './announce.js';
import type { TagCount } from './contract.js';
import { byId, h } from './dom.js';

/** GET /tags' largest page: with more tags than this, a missing name proves nothing. */
const TAG_LIMIT = 1000;

export class TagFilter {
  private readonly list = byId('tag-list', HTMLUListElement);
  private readonly chips = byId('selected-tags', HTMLUListElement);
  private readonly none = byId('tags-empty', HTMLParagraphElement);
  private tags: TagCount[] = [];
  private selected: string[] = [];
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  private generation = 0;

  constructor(
    private readonly api: Api,
    /** The person chose other tags (`dropped`: the counts show no image has them any more). */
    private readonly onChange: (selected: string[], dropped: boolean) => void,
    /** Every tag name, newly loaded. */
    private readonly onLoaded: (names: string[]) => void = () => {},
  ) {}

  /** The selection, as the view says (after a reload or the back button). */
  select(selected: string[]): void {
    this.selected = selected;
    this.render();
  }

  /** Reloads the counts; calls while one is running coalesce into one more. */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        const generation = this.generation;
        try {
          const tags = await this.api.listTags();
          // Signed out meanwhile: these were the previous person's tags (a refresh asked for
          // since then still runs: the loop's condition).
          if (generation !== this.generation) continue;
          this.tags = tags;
          this.onLoaded(tags.map((tag) => tag.name));
          this.dropGone();
        } catch (error) {
          if (!(error instanceof ApiError && error.status === 401))
            announce(
              `Tags could not be loaded: ${error instanceof Error ? error.message : String(error)}`,
            );
        }
        this.render();
      } while (this.refreshAgain);
    })().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  clear(): void {
    this.generation++;
    this.tags = [];
    this.selected = [];
    this.render();
  }

  toggle(name: string): void {
    const on = !this.selected.includes(name);
    this.selected = on ? [...this.selected, name] : this.selected.filter((tag) => tag !== name);
    this.render();
    this.onChange(this.selected, false);
  }

  private dropGone(): void {
    if (this.tags.length >= TAG_LIMIT) return;
    const kept = this.selected.filter((name) => this.tags.some((tag) => tag.name === name));
    if (kept.length === this.selected.length) return;
    this.selected = kept;
    this.onChange(kept, true);
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.tags.map((tag) => {
        const pressed = this.selected.includes(tag.name);
        const button = h(
          'button',
          { type: 'button', class: 'tag', 'aria-pressed': String(pressed) },
          h('span', { class: 'tag-name' }, tag.name),
          ' ',
          h('span', { class: 'tag-count' }, `(${tag.count})`),
        );
        button.addEventListener('click', () => this.toggle(tag.name));
        return h('li', {}, button);
      }),
    );
    this.none.hidden = this.tags.length > 0;
    this.chips.replaceChildren(
      ...this.selected.map((name) => {
        const remove = h(
          'button',
          { type: 'button', class: 'chip-remove', 'aria-label': `Remove tag ${name}` },
          '×',
        );
        remove.addEventListener('click', () => this.toggle(name));
        return h('li', { class: 'chip' }, h('span', {}, name), remove);
      }),
    );
    this.chips.hidden = this.selected.length === 0;
  }
}
