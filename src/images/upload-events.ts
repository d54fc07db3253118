// The object keys named by an S3 ObjectCreated event (or by the S3-shaped retag event that `api`
// sends). S3 URL-encodes keys in events, with a space as `+`.
export interface UploadEvent {
  Records?: Array<{ s3?: { object?: { key?: unknown } } }>;
}

export function objectKeysOf(event: UploadEvent): string[] {
  return (event.Records ?? []).flatMap((record) => {
    const raw = record.s3?.object?.key;
    if (typeof raw !== 'string') return [];
    try {
      return [decodeURIComponent(raw.replace(/\+/g, ' '))];
    } catch {
      return []; // not a key S3 could have sent
    }
  });
}
