// The search form: words to find (q), a status, "only images without tags", and tags of which
// any or none must be on an image. The text fields apply on Enter or "Search"; the status and the
// checkbox apply as soon as they change. The tag fields offer the person's tags (the list the
// Tags panel already loaded: no request of their own).
import { byId, h } from './dom.js';
import type { ImageStatus } from './contract.js';
import { EMPTY_VIEW, tagNames, type ViewState } from './view-state.js';

export class Filters {
  private readonly form = byId('filters', HTMLFormElement);
  private readonly q = byId('filter-q', HTMLInputElement);
  private readonly status = byId('filter-status', HTMLSelectElement);
  private readonly untagged = byId('filter-untagged', HTMLInputElement);
  private readonly anyTags = byId('filter-any', HTMLInputElement);
  private readonly notTags = byId('filter-not', HTMLInputElement);
  private readonly names = byId('tag-names', HTMLDataListElement);
  private view: ViewState = EMPTY_VIEW;

  constructor(private readonly onChange: (view: ViewState) => void) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.onChange(this.read());
    });
    for (const control of [this.status, this.untagged])
      control.addEventListener('change', () => this.onChange(this.read()));
    byId('filters-clear', HTMLButtonElement).addEventListener('click', () =>
      this.onChange({ ...EMPTY_VIEW, tags: this.view.tags }),
    );
  }

  /** The fields say what the view is (after a reload, the back button, a cleared filter). */
  show(view: ViewState): void {
    this.view = view;
    this.q.value = view.q;
    this.status.value = view.status ?? '';
    this.untagged.checked = view.untagged;
    this.anyTags.value = view.anyTags.join(', ');
    this.notTags.value = view.notTags.join(', ');
  }

  /** The person's tag names, offered in the tag fields. */
  offer(names: string[]): void {
    this.names.replaceChildren(...names.map((name) => h('option', { value: name })));
  }

  private read(): ViewState {
    return {
      // The Tags panel's selection is not a field here: it stays as it is.
      tags: this.view.tags,
      q: this.q.value.trim(),
      status: (this.status.value || undefined) as ImageStatus | undefined,
      untagged: this.untagged.checked,
      anyTags: tagNames(this.anyTags.value),
      notTags: tagNames(this.notTags.value),
    };
  }
}
