// The little DOM help the gallery needs: find the page's elements by id, typed, and build small
// elements. Text always goes in as text nodes (never innerHTML): tags and filenames are user data.

export function byId<T extends HTMLElement>(id: string, type: { new (): T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html lacks #${id} (${type.name})`);
  return element;
}

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | boolean> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === true) element.setAttribute(name, '');
    else if (value !== false) element.setAttribute(name, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/** Bytes in binary units, as the limits are set (10 MiB is 10 × 1024 × 1024 bytes, not "10 MB"). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 ** 2 ? [bytes / 1024, 'KiB'] : [bytes / 1024 ** 2, 'MiB'];
  // One decimal below 10 (1.5 MiB), none above; Number() drops a ".0" (10 MiB, not 10.0 MiB).
  return `${Number(value.toFixed(value < 10 ? 1 : 0))} ${unit}`;
}

/** The alt text of an image: what it shows, as far as pixtag knows. */
export function altText(image: { filename: string; status: string; tags: { name: string }[] }) {
  if (image.tags.length > 0) return `Photo of ${image.tags.map((t) => t.name).join(', ')}`;
  if (image.status === 'pending') return `${image.filename}, not tagged yet`;
  return `${image.filename}, no tags`;
}
