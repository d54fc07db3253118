// Uploading: files from the picker or dropped on the page are checked here first (type and size,
// so a wrong file costs no request), then each goes POST /images → PUT to the signed URL with a
// progress bar → "pending" → its tags.
import { ApiError, uploadFile, type Api } from './api.js';
import { announce } from './announce.js';
import type { Image } from './contract.js';
import { byId, formatBytes, h } from './dom.js';

export interface UploaderOptions {
  api: Api;
  maxBytes: number;
  types: string[];
  settled(id: string): Promise<Image>;
  onCreated(image: Image): void;
  onSettled(image: Image): void;
}

const TYPE_NAMES: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/webp': 'WebP',
  'image/gif': 'GIF',
};

export class Uploader {
  private readonly input = byId('files', HTMLInputElement);
  private readonly dropZone = byId('drop-zone', HTMLDivElement);
  private readonly list = byId('upload-list', HTMLUListElement);
  private readonly error = byId('upload-error', HTMLParagraphElement);
  private readonly typeNames: string;

  constructor(private readonly options: UploaderOptions) {
    const names = options.types.map((type) => TYPE_NAMES[type] ?? type);
    this.typeNames = `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
    byId('upload-limits', HTMLSpanElement).textContent =
      `${this.typeNames}, up to ${formatBytes(options.maxBytes)} each`;
    this.input.accept = options.types.join(',');

    this.input.addEventListener('change', () => {
      if (this.input.files) this.add([...this.input.files]);
      this.input.value = ''; // the same file chosen again is a new upload
    });
    // The whole page accepts a drop: a near miss should not open the photo in the tab instead.
    document.addEventListener('dragover', (event) => {
      if (this.dropZone.closest('[hidden]')) return;
      event.preventDefault();
      this.dropZone.classList.add('dragging');
    });
    document.addEventListener('dragleave', (event) => {
      if (event.relatedTarget === null) this.dropZone.classList.remove('dragging');
    });
    document.addEventListener('drop', (event) => {
      this.dropZone.classList.remove('dragging');
      if (this.dropZone.closest('[hidden]')) return;
      event.preventDefault();
      if (event.dataTransfer?.files) this.add([...event.dataTransfer.files]);
    });
  }

  clear(): void {
    this.list.replaceChildren();
    this.error.textContent = '';
  }

  add(files: File[]): void {
    const refused: string[] = [];
    for (const file of files) {
      const reason = this.refusal(file);
      if (reason) refused.push(`${file.name} was not uploaded: ${reason}.`);
      else void this.upload(file);
    }
    this.error.textContent = refused.join(' ');
  }

  private refusal(file: File): string | undefined {
    if (!this.options.types.includes(file.type)) return `it is not a ${this.typeNames} image`;
    if (file.size === 0) return 'the file is empty';
    if (file.size > this.options.maxBytes)
      return `it is larger than the ${formatBytes(this.options.maxBytes)} allowed`;
    return undefined;
  }

  private async upload(file: File): Promise<void> {
    const progress = h('progress', {
      max: '100',
      value: '0',
      'aria-label': `Upload of ${file.name}`,
    });
    const status = h('span', { class: 'upload-status' }, 'starting');
    const item = h(
      'li',
      { class: 'upload' },
      h('span', { class: 'upload-name' }, file.name),
      progress,
      status,
    );
    this.list.prepend(item);
    const say = (text: string, state: string) => {
      status.textContent = text;
      item.dataset.state = state;
    };
    try {
      const { image, upload } = await this.options.api.createUpload(file);
      this.options.onCreated(image);
      say('uploading', 'uploading');
      await uploadFile(upload, file, (fraction) => {
        progress.value = Math.round(fraction * 100);
      });
      say('pending', 'pending');
      announce(`${file.name} uploaded; tagging it.`);
      const settled = await this.options.settled(image.id);
      this.options.onSettled(settled);
      if (settled.status === 'failed') {
        say(`failed: ${settled.error ?? 'it could not be tagged'}`, 'failed');
        announce(`${file.name} could not be tagged.`);
      } else {
        const tags = settled.tags.map((tag) => tag.name).join(', ') || 'no tags';
        say(tags, 'tagged');
        announce(`${file.name} tagged: ${tags}.`);
      }
    } catch (error) {
      const message = error instanceof ApiError ? error.message : String(error);
      say(`failed: ${message}`, 'failed');
    }
  }
}
