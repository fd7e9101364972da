// The AWS event-stream binary framing (application/vnd.amazon.eventstream) as Bedrock's
// converse-stream writes it, with zlib's CRC32 (node:zlib crc32): each message is
//   total length u32 | headers length u32 | prelude CRC32 | headers | payload | message CRC32
// and each header  name length u8 | name | type 7 (string) | value length u16 | value.
//
//   eventFrame('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } })
//   exceptionFrame('throttlingException', { message: '…' })
//   decodeMessages(buffer) → { messages: [{ headers, payload }], rest, error }   (for self-tests)
import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

export function encodeMessage(headers, payload) {
  const hs = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name);
    const v = Buffer.from(value);
    const h = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(7, 1 + n.length);
    h.writeUInt16BE(v.length, 2 + n.length);
    v.copy(h, 4 + n.length);
    hs.push(h);
  }
  const headerBytes = Buffer.concat(hs);
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const total = 16 + headerBytes.length + body.length;
  const prelude = Buffer.alloc(12);
  prelude.writeUInt32BE(total, 0);
  prelude.writeUInt32BE(headerBytes.length, 4);
  prelude.writeUInt32BE(crc32(prelude.subarray(0, 8)), 8);
  const msg = Buffer.concat([prelude, headerBytes, body, Buffer.alloc(4)]);
  msg.writeUInt32BE(crc32(msg.subarray(0, total - 4)), total - 4);
  return msg;
}

/** An event as Bedrock sends it: the payload carries a "p" padding member of random length. */
export function eventFrame(type, obj) {
  const p = randomBytes(8).toString('base64url').slice(0, 1 + (randomBytes(1)[0] % 10));
  return encodeMessage({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    JSON.stringify({ ...obj, p }));
}

export function exceptionFrame(type, obj) {
  return encodeMessage({ ':exception-type': type, ':content-type': 'application/json', ':message-type': 'exception' }, JSON.stringify(obj));
}

/** The whole messages of `buf` (CRCs checked), what is left over, and the first error. */
export function decodeMessages(buf) {
  const messages = [];
  let at = 0;
  while (buf.length - at >= 12) {
    const total = buf.readUInt32BE(at);
    const hlen = buf.readUInt32BE(at + 4);
    if (crc32(buf.subarray(at, at + 8)) !== buf.readUInt32BE(at + 8)) return { messages, rest: buf.subarray(at), error: 'prelude crc' };
    if (buf.length - at < total) break;
    if (crc32(buf.subarray(at, at + total - 4)) !== buf.readUInt32BE(at + total - 4)) return { messages, rest: buf.subarray(at), error: 'message crc' };
    const headers = {};
    let h = at + 12;
    while (h < at + 12 + hlen) {
      const n = buf.readUInt8(h);
      const name = buf.toString('utf8', h + 1, h + 1 + n);
      const vlen = buf.readUInt16BE(h + 2 + n);
      headers[name] = buf.toString('utf8', h + 4 + n, h + 4 + n + vlen);
      h += 4 + n + vlen;
    }
    messages.push({ headers, payload: buf.subarray(at + 12 + hlen, at + total - 4).toString('utf8') });
    at += total;
  }
  return { messages, rest: buf.subarray(at), error: null };
}
