// objectKeysOf: the object keys an S3 ObjectCreated event (or api's retag event) names. S3 sends
// keys URL-encoded like a form value (space as `+`), so what matters is decoding them exactly.
import { describe, expect, it } from 'vitest';
import {
  failedUploadKeysOf,
  isFromFailureQueue,
  objectKeysOf,
  type UploadEvent,
} from '../../src/images/upload-events.js';
import { retagEvent } from '../../src/jobs/lambda-processing.js';

const withKeys = (...keys: unknown[]): UploadEvent => ({
  Records: keys.map((key) => ({ s3: { object: { key } } })),
});

describe('objectKeysOf', () => {
  it('when a key has "+", then it becomes a space', () => {
    expect(objectKeysOf(withKeys('u/owner/my+photo+1'))).toEqual(['u/owner/my photo 1']);
  });

  it('when a key has "%2B", then it becomes a literal "+" (not a space)', () => {
    expect(objectKeysOf(withKeys('u/owner/a%2Bb'))).toEqual(['u/owner/a+b']);
    expect(objectKeysOf(withKeys('u/a+b%2Bc'))).toEqual(['u/a b+c']);
  });

  it('when a key has "%20" or other escapes, then they are decoded', () => {
    expect(objectKeysOf(withKeys('u/owner/a%20b'))).toEqual(['u/owner/a b']);
    expect(objectKeysOf(withKeys('u/owner/caf%C3%A9%25'))).toEqual(['u/owner/café%']);
  });

  it('when a key has nested slashes, encoded or not, then they are kept as slashes', () => {
    expect(objectKeysOf(withKeys('u/owner/a/b/c'))).toEqual(['u/owner/a/b/c']);
    expect(objectKeysOf(withKeys('u%2Fowner%2Fimage'))).toEqual(['u/owner/image']);
  });

  it('when an event has several records, then every key comes out, in order', () => {
    expect(objectKeysOf(withKeys('u/a/1', 'u/b/2', 'u/a/1'))).toEqual(['u/a/1', 'u/b/2', 'u/a/1']);
  });

  it('when a record has no s3 object key (or not a string), then it is skipped', () => {
    const event = {
      Records: [
        {},
        { s3: {} },
        { s3: { object: {} } },
        { s3: { object: { key: 42 } } },
        { s3: { object: { key: null } } },
        { s3: { object: { key: 'u/owner/kept' } } },
      ],
    } as UploadEvent;
    expect(objectKeysOf(event)).toEqual(['u/owner/kept']);
  });

  it('when a key has malformed percent-encoding, then that key is skipped and the others kept', () => {
    expect(objectKeysOf(withKeys('u/owner/100%', 'u/owner/ok', 'u/%E0%A4%A', 'u/%ZZ'))).toEqual([
      'u/owner/ok',
    ]);
  });

  it('when the event is empty or has no records, then there are no keys', () => {
    expect(objectKeysOf({})).toEqual([]);
    expect(objectKeysOf({ Records: [] })).toEqual([]);
  });

  it('when api sends a retag event for a key, then the key comes back unchanged', () => {
    for (const key of ['u/owner/image', 'u/a b/c+d', 'u/x%y/z']) {
      expect(objectKeysOf(retagEvent(key))).toEqual([key]);
    }
  });

  it("when SQS delivers on-failure records, then the original events' keys are found, and junk bodies are skipped", () => {
    const original = { Records: [{ s3: { object: { key: 'u/o/a%2Bb' } } }] };
    const event = {
      Records: [
        { eventSource: 'aws:sqs', body: JSON.stringify({ requestPayload: original }) },
        { eventSource: 'aws:sqs', body: 'not json' },
        { eventSource: 'aws:sqs', body: JSON.stringify({ something: 'else' }) },
      ],
    };
    expect(isFromFailureQueue(event)).toBe(true);
    expect(isFromFailureQueue(original)).toBe(false);
    expect(failedUploadKeysOf(event)).toEqual(['u/o/a+b']);
  });
});
