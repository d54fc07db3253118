// The bulk tag edit above the grid: how many cards are selected, "Select all on page", and tags
// to add to or remove from every selected image, in one POST /images/tags (all or nothing).
import { ApiError, type Api } from './api.js';
import { announce } from './announce.js';
import type { Image } from './contract.js';
import { byId } from './dom.js';
import type { Selection } from './selection.js';
import { TagSuggestions } from './tag-suggestions.js';
import { tagNames } from './view-state.js';

/** POST /images/tags takes at most this many ids. */
const MAX_IDS = 100;

export interface BulkEditOptions {
  api: Api;
  selection: Selection;
  onEdited(images: Image[]): void;
}

export class BulkEdit {
  private readonly form = byId('bulk-form', HTMLFormElement);
  private readonly count = byId('bulk-count', HTMLParagraphElement);
  private readonly input = byId('bulk-tags', HTMLInputElement);
  private readonly error = byId('bulk-error', HTMLParagraphElement);
  private readonly clearButton = byId('select-none', HTMLButtonElement);
  private readonly suggestions: TagSuggestions;

  constructor(private readonly options: BulkEditOptions) {
    byId('select-all', HTMLButtonElement).addEventListener('click', () =>
      options.selection.selectAll(),
    );
    this.clearButton.addEventListener('click', () => options.selection.clear());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const remove =
        event.submitter instanceof HTMLButtonElement && event.submitter.value === 'remove';
      void this.apply(remove);
    });
    this.suggestions = new TagSuggestions(
      options.api,
      this.input,
      byId('bulk-suggestions', HTMLDataListElement),
    );
    this.update();
  }

  /** The selection changed: the count and which buttons can be used. */
  update(): void {
    const n = this.options.selection.ids.length;
    this.count.textContent = n === 0 ? 'No image selected.' : `${n} selected.`;
    this.clearButton.disabled = n === 0;
    for (const button of this.form.querySelectorAll('button')) button.disabled = n === 0;
  }

  clear(): void {
    this.input.value = '';
    this.error.textContent = '';
    this.suggestions.reset();
  }

  private async apply(remove: boolean): Promise<void> {
    const ids = this.options.selection.ids;
    const names = tagNames(this.input.value);
    this.error.textContent = '';
    if (ids.length === 0) return;
    if (names.length === 0) {
      this.error.textContent = 'Type a tag first (several: separated by commas).';
      this.input.focus();
      return;
    }
    if (ids.length > MAX_IDS) {
      this.error.textContent = `Select at most ${MAX_IDS} images at a time.`;
      return;
    }
    this.form.setAttribute('aria-busy', 'true');
    try {
      const edited = await this.options.api.editTags(
        ids,
        remove ? { remove: names } : { add: names },
      );
      this.options.onEdited(edited);
      this.clear();
      announce(
        `${names.join(', ')} ${remove ? 'removed from' : 'added to'} ${edited.length} image${edited.length === 1 ? '' : 's'}.`,
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return; // back to sign-in already
      this.error.textContent = error instanceof Error ? error.message : String(error);
    } finally {
      this.form.setAttribute('aria-busy', 'false');
    }
  }
}
