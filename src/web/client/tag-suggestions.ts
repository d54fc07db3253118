// Autocomplete for a tag input: the person's own tag names starting with what they typed
// (GET /tags?prefix=), offered through a <datalist>, which the browser shows and makes accessible.
// Typing is debounced and each prefix asked once, so a word typed is a request or two, not one
// per key; an answer that arrives after a newer one was asked for is dropped.
import type { Api } from './api.js';
import { h } from './dom.js';

const DEBOUNCE_MS = 150;

export class TagSuggestions {
  private readonly answers = new Map<string, Promise<string[]>>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private asked = 0;

  constructor(
    private readonly api: Api,
    private readonly input: HTMLInputElement,
    private readonly list: HTMLDataListElement,
    /** Names not worth offering (already on the image). */
    private readonly exclude: () => string[] = () => [],
  ) {
    input.setAttribute('list', list.id);
    input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.suggest(), DEBOUNCE_MS);
    });
  }

  /** Forgets the answers: the person's tags changed. */
  reset(): void {
    this.answers.clear();
    this.list.replaceChildren();
  }

  private async suggest(): Promise<void> {
    const prefix = this.input.value.trimStart().toLowerCase();
    if (!prefix) return this.list.replaceChildren();
    const asked = ++this.asked;
    let answer = this.answers.get(prefix);
    if (!answer) {
      answer = this.api.suggestTags(prefix).then(
        (tags) => tags.map((tag) => tag.name),
        () => [], // autocomplete is a help: a failure leaves the field as it is
      );
      this.answers.set(prefix, answer);
    }
    const names = await answer;
    if (asked !== this.asked) return;
    const excluded = new Set(this.exclude());
    this.list.replaceChildren(
      ...names.filter((name) => !excluded.has(name)).map((name) => h('option', { value: name })),
    );
  }
}
