// pixtag's API as the page calls it: JSON over fetch, problems turned into sentences, and a 401
// on a signed-in call reported once so the page can go back to sign-in. Uploads to the signed URL
// use XMLHttpRequest, the one browser API that reports upload progress.
import type {
  CreatedUpload,
  Image,
  ImagePage,
  Problem,
  SignIn,
  SignedUpload,
  TagCount,
} from './contract.js';
import { viewQuery, type ViewState } from './view-state.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A problem's detail and its field errors, in one sentence a person can act on. */
export function problemMessage(status: number, problem: Problem | undefined): string {
  const fields = (problem?.errors ?? []).map((e) => `${e.path ? `${e.path} ` : ''}${e.message}`);
  if (fields.length > 0) return `${capitalise(fields.join('; '))}.`;
  if (problem?.detail) return problem.detail;
  if (status === 429) return 'Too many attempts. Wait a minute and try again.';
  return `pixtag answered ${status} ${problem?.title ?? ''}`.trim() + '.';
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export interface ApiOptions {
  token(): string | undefined;
  /** A signed-in call was refused: the token expired or was revoked. */
  onUnauthorized(): void;
}

export class Api {
  constructor(private readonly options: ApiOptions) {}

  signUp(username: string, password: string): Promise<void> {
    return this.call('POST', 'signup', { username, password }, false);
  }

  signIn(username: string, password: string): Promise<SignIn> {
    return this.call('POST', 'signin', { username, password }, false);
  }

  /** One page of the view: the URL's own parameters (view-state.ts), plus paging. */
  listImages(view: ViewState, cursor: string | null, limit: number): Promise<ImagePage> {
    const query = viewQuery(view);
    query.set('limit', String(limit));
    if (cursor) query.set('cursor', cursor);
    return this.call('GET', `images?${query}`);
  }

  getImage(id: string): Promise<Image> {
    return this.call('GET', `images/${encodeURIComponent(id)}`);
  }

  createUpload(file: File): Promise<CreatedUpload> {
    return this.call('POST', 'images', {
      contentType: file.type,
      size: file.size,
      filename: file.name,
    });
  }

  retag(id: string): Promise<Image> {
    return this.call('POST', `images/${encodeURIComponent(id)}/retag`);
  }

  deleteImage(id: string): Promise<void> {
    return this.call('DELETE', `images/${encodeURIComponent(id)}`);
  }

  async listTags(): Promise<TagCount[]> {
    const page = await this.call<{ items: TagCount[] }>('GET', 'tags?limit=1000');
    return page.items;
  }

  /** Tag names starting with `prefix`, most used first (autocomplete). */
  async suggestTags(prefix: string, limit = 10): Promise<TagCount[]> {
    const query = new URLSearchParams({ prefix, limit: String(limit) });
    const page = await this.call<{ items: TagCount[] }>('GET', `tags?${query}`);
    return page.items;
  }

  addTag(id: string, tag: string): Promise<Image> {
    return this.call('PUT', `images/${encodeURIComponent(id)}/tags/${encodeURIComponent(tag)}`);
  }

  removeTag(id: string, tag: string): Promise<Image> {
    return this.call('DELETE', `images/${encodeURIComponent(id)}/tags/${encodeURIComponent(tag)}`);
  }

  /** All or nothing, in one request: every image gets `add` and loses `remove`. */
  async editTags(ids: string[], edit: { add?: string[]; remove?: string[] }): Promise<Image[]> {
    const page = await this.call<{ items: Image[] }>('POST', 'images/tags', { ids, ...edit });
    return page.items;
  }

  private async call<T>(method: string, path: string, body?: unknown, signedIn = true): Promise<T> {
    const headers: Record<string, string> = {};
    const token = this.options.token();
    if (signedIn && token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    // Relative to the page, so the page works under a path prefix (an API Gateway stage).
    const url = new URL(path, document.baseURI);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        cache: 'no-store',
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiError(0, 'pixtag cannot be reached. Check the connection and try again.');
    }
    if (response.status === 204) return undefined as T;
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      if (response.status === 401 && signedIn) this.options.onUnauthorized();
      throw new ApiError(response.status, problemMessage(response.status, json as Problem));
    }
    return json as T;
  }
}

/** PUTs the file to the signed URL with exactly the headers it demands, reporting progress 0–1. */
export function uploadFile(
  upload: SignedUpload,
  file: File,
  onProgress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(upload.method, upload.url);
    for (const [name, value] of Object.entries(upload.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new ApiError(xhr.status, `The upload was refused (${xhr.status}). Try again.`));
      }
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, 'The upload was interrupted. Check the connection and try again.')),
    );
    xhr.send(file);
  });
}
