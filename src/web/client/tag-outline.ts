// The outline of a tag's box over the detail image, with the tag's name as a caption, while the
// pointer is on that tag (or the keyboard's focus is in it). It lies over the image (absolutely
// placed in the frame that wraps it: nothing else moves), in percentages of the frame, so a resize
// that keeps the picture's shape needs no script; a ResizeObserver redraws for the rest (a
// letterboxed picture's bars change with the element's shape). Positions go through the CSSOM
// (element.style), which the page's Content-Security-Policy allows, unlike style attributes.
import type { Tag } from './contract.js';
import { h } from './dom.js';
import { boxOnElement, pictureArea, type Area } from './tag-box.js';

export class TagOutline {
  private readonly caption = h('span', { class: 'tag-outline-caption' });
  /** Goes in the frame, after the image; only a picture of what the chip says (aria-hidden). */
  readonly element = h(
    'div',
    { class: 'tag-outline', hidden: true, 'aria-hidden': 'true' },
    this.caption,
  );
  private image: HTMLImageElement | undefined;
  private readonly resized = new ResizeObserver(() => this.draw());
  /** The tag under the pointer, and the one the keyboard's focus is in: the first one shows. */
  private pointed: Tag | undefined;
  private focused: Tag | undefined;

  /** The image the boxes are drawn over (none: the dialog closed). */
  over(image: HTMLImageElement | undefined): void {
    this.resized.disconnect();
    this.image = image;
    if (image) {
      // Not loaded yet, it has no size: the outline waits for it.
      image.addEventListener('load', () => this.draw());
      this.resized.observe(image);
    }
    this.draw();
  }

  point(tag: Tag | undefined): void {
    this.pointed = tag;
    this.draw();
  }

  focus(tag: Tag | undefined): void {
    this.focused = tag;
    this.draw();
  }

  /**
   * The image's tags changed (an edit, a retag): the pointer is still on the same name, so its
   * new box shows; the focus was in a chip that was replaced, so it is gone.
   */
  retag(tags: Tag[]): void {
    this.pointed = tags.find((tag) => tag.name === this.pointed?.name);
    this.focused = undefined;
    this.draw();
  }

  reset(): void {
    this.pointed = this.focused = undefined;
    this.over(undefined);
  }

  private draw(): void {
    const tag = this.pointed ?? this.focused;
    const image = this.image;
    const frame = this.element.parentElement;
    if (!tag?.box || !image || !frame || !image.complete || image.naturalWidth === 0) {
      this.element.hidden = true;
      return;
    }
    const shown = { width: image.clientWidth, height: image.clientHeight };
    const size = { width: frame.clientWidth, height: frame.clientHeight };
    if (shown.width === 0 || shown.height === 0 || size.width === 0 || size.height === 0) {
      this.element.hidden = true;
      return;
    }
    const { objectFit, objectPosition } = getComputedStyle(image);
    const natural = { width: image.naturalWidth, height: image.naturalHeight };
    const box = boxOnElement(tag.box, pictureArea(shown, natural, objectFit, objectPosition));
    // From the image's own box to the frame's (the same box unless the CSS pads the frame).
    const percent = (offset: number, fraction: number, length: number, whole: number) =>
      `${((100 * (offset + fraction * length)) / whole).toFixed(4)}%`;
    const style = this.element.style;
    style.left = percent(image.offsetLeft + image.clientLeft, box.x, shown.width, size.width);
    style.top = percent(image.offsetTop + image.clientTop, box.y, shown.height, size.height);
    style.width = percent(0, box.w, shown.width, size.width);
    style.height = percent(0, box.h, shown.height, size.height);
    this.caption.textContent = tag.name;
    this.element.hidden = false;
    this.placeCaption(tag.box, box.y * shown.height, (1 - box.y - box.h) * shown.height);
  }

  /**
   * The caption goes above the box, or below it, so that it hides nothing of a small box; inside
   * only when the box takes the picture's whole height. It starts at the box's corner nearer the
   * middle, so it stays over the picture (the frame clips what overflows).
   */
  private placeCaption(box: Area, roomAbove: number, roomBelow: number): void {
    const height = this.caption.offsetHeight;
    this.element.dataset.caption =
      roomAbove >= height ? 'above' : roomBelow >= height ? 'below' : 'inside';
    this.element.dataset.side = box.x + box.w / 2 > 0.5 ? 'end' : 'start';
  }
}
