// Status changes said once, politely, to screen readers (the page's aria-live region), and shown.
import { byId } from './dom.js';

export function announce(message: string): void {
  const region = byId('status', HTMLParagraphElement);
  // The same words twice in a row are still a new event: clear first, then set.
  region.textContent = '';
  requestAnimationFrame(() => (region.textContent = message));
}
