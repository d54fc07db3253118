// Which cards are selected for a bulk tag edit: a click toggles one, a shift-click sets every card
// from the last one clicked to this one (as in a file manager), "Select all on page" takes every
// card listed. Kept in grid order, so the request names the images as the person sees them.

export class Selection {
  private readonly chosen = new Set<string>();
  private anchor: string | undefined;

  constructor(
    /** The ids of the cards now in the grid, in order. */
    private readonly order: () => string[],
    private readonly onChange: () => void,
  ) {}

  has(id: string): boolean {
    return this.chosen.has(id);
  }

  get ids(): string[] {
    return this.order().filter((id) => this.chosen.has(id));
  }

  /** A card's box was clicked (and is now `checked`); with shift, the range from the last one. */
  click(id: string, checked: boolean, range: boolean): void {
    const order = this.order();
    const from = this.anchor === undefined ? -1 : order.indexOf(this.anchor);
    const to = order.indexOf(id);
    const ids =
      range && from >= 0 && to >= 0
        ? order.slice(Math.min(from, to), Math.max(from, to) + 1)
        : [id];
    for (const one of ids) {
      if (checked) this.chosen.add(one);
      else this.chosen.delete(one);
    }
    this.anchor = id;
    this.onChange();
  }

  selectAll(): void {
    for (const id of this.order()) this.chosen.add(id);
    this.onChange();
  }

  clear(): void {
    this.chosen.clear();
    this.anchor = undefined;
    this.onChange();
  }

  /** Forgets cards that left the grid (deleted, or out of the view now). */
  forget(id: string): void {
    if (!this.chosen.delete(id)) return;
    if (this.anchor === id) this.anchor = undefined;
    this.onChange();
  }
}
