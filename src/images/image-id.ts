// Image ids are UUIDv7 (RFC 9562): time-ordered, so images created in the same millisecond still
// list in creation order (ties on createdAt are broken by id), and new rows sit together in the
// indexes instead of being scattered by random ids.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

export function newImageId(now: number = Date.now()): string {
  // Within one millisecond a 12-bit counter keeps ids increasing; past 4,096 it borrows the next ms.
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMs += 1;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes.writeUInt16BE(0x7000 | sequence, 6);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
