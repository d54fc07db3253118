// Adapters built on first use. On Lambda, `api` answers /health (and every route that does not
// need, say, the catalog) without loading the SDK behind it: cold starts pay only for what the
// request touches.

/** load() once; concurrent callers share the one load, and a failed load is tried again next time. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

/** Every method of T, all returning promises: the shape of BlobStore and ImageCatalog. */
type AsyncMethods<T> = {
  [K in keyof T]: NonNullable<T[K]> extends (...args: infer A) => Promise<infer R>
    ? (...args: A) => Promise<R>
    : never;
};

/**
 * A port whose every method first builds the real adapter (once), then calls it. The proxy has
 * every name, so an optional capability the adapter lacks (ImageCatalog.changeVersion…) answers
 * undefined, which such a method's callers read as "not supported".
 */
export function lazyPort<T extends AsyncMethods<T>>(load: () => Promise<T>): T {
  const get = once(load);
  return new Proxy({} as T, {
    get(_target, method) {
      if (method === 'then') return undefined; // not a thenable: `await port` stays the port
      return async (...args: unknown[]) => {
        const port = await get();
        const fn = port[method as keyof T] as unknown as
          ((...a: unknown[]) => Promise<unknown>) | undefined;
        return typeof fn === 'function' ? fn.apply(port, args) : undefined;
      };
    },
  });
}
