// The object keys named by an S3 ObjectCreated event (or by the S3-shaped retag event that `api`
// sends). S3 URL-encodes keys in events, with a space as `+`.
export interface UploadEvent {
  Records?: Array<{ eventSource?: unknown; body?: unknown; s3?: { object?: { key?: unknown } } }>;
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

/** Whether the event comes from onUpload's on-failure queue (SQS) rather than from S3. */
export function isFromFailureQueue(event: UploadEvent): boolean {
  return (event.Records ?? []).some((record) => record.eventSource === 'aws:sqs');
}

/**
 * The object keys of the events that reached the on-failure queue: each SQS message body is
 * Lambda's destination record, whose requestPayload is the event that kept failing.
 */
export function failedUploadKeysOf(event: UploadEvent): string[] {
  return (event.Records ?? []).flatMap((record) => {
    if (typeof record.body !== 'string') return [];
    try {
      const destination = JSON.parse(record.body) as { requestPayload?: UploadEvent };
      return destination.requestPayload ? objectKeysOf(destination.requestPayload) : [];
    } catch {
      return [];
    }
  });
}
