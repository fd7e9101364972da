// Hostile clients, with the real binary: request smuggling variants (RFC 9112), malformed heads
// and chunked bodies, and slow clients that drip bytes. Each is answered with the right status
// and the connection closed; no hidden second request ever runs (the mock upstream counts); and
// other clients are served during the attack (/health answers).
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { gatewayConfig, request, startGateway, UPSTREAM_KEY } from './lib/gateway.mjs';

const HEAD_MS = 1000;
const BODY_MS = 1000;
let mock;
let gw;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  gw = await startGateway({
    config: gatewayConfig({
      upstream: mock.url,
      server: { request_head_timeout_ms: HEAD_MS, request_body_timeout_ms: BODY_MS, max_threads: 32 },
    }),
  });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});
beforeEach(() => mock.reset());

const BODY = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
// The smuggled request: if the gateway ever ran it, the mock would see a call.
const HIDDEN = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n${BODY}`;

/**
 * Sends raw bytes on a fresh connection and reads until the gateway closes it (or `waitMs`).
 * Resolves { text, closed, statuses: every status line's code, ms }.
 */
function raw(bytes, { waitMs = 3000, port = gw.port } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = net.connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      const statuses = [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ text, closed, statuses, ms: performance.now() - t0 });
    };
    const timer = setTimeout(done, waitMs);
    s.on('data', (d) => { text += d.toString('latin1'); });
    s.on('end', () => { closed = true; done(); });
    s.on('error', () => { closed = true; done(); });
    s.on('connect', () => s.write(Buffer.from(bytes, 'latin1')));
  });
}

/** Asserts one answer with `status`, a closed connection, and nothing run upstream. */
function refused(r, status) {
  assert.deepEqual(r.statuses, [status], r.text);
  assert.ok(r.closed, 'the connection must close after a refusal');
  assert.match(r.text, /\r\nconnection: close\r\n/i);
  assert.equal(mock.requests.length, 0, 'a smuggled or refused request reached the upstream');
}

const head = (fields, line = 'POST /v1/chat/completions HTTP/1.1') =>
  `${line}\r\nHost: x\r\nContent-Type: application/json\r\n${fields}\r\n`;

describe('request smuggling variants are refused, and the hidden request never runs', () => {
  const cases = [
    ['two Content-Length (first would win)', `Content-Length: ${BODY.length}\r\nContent-Length: 0\r\n`, BODY + HIDDEN, 400],
    ['two equal Content-Length', `Content-Length: ${BODY.length}\r\nContent-Length: ${BODY.length}\r\n`, BODY + HIDDEN, 400],
    ['Content-Length with Transfer-Encoding: chunked', `Content-Length: 4\r\nTransfer-Encoding: chunked\r\n`, `0\r\n\r\n${HIDDEN}`, 400],
    ['Transfer-Encoding: chunked, identity', 'Transfer-Encoding: chunked, identity\r\n', `0\r\n\r\n${HIDDEN}`, 400],
    ['Transfer-Encoding: gzip, chunked', 'Transfer-Encoding: gzip, chunked\r\n', `0\r\n\r\n${HIDDEN}`, 501],
    ['a second Transfer-Encoding header', 'Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n', `0\r\n\r\n${HIDDEN}`, 400],
    ['whitespace before the colon', `Content-Length : ${BODY.length}\r\n`, BODY + HIDDEN, 400],
    ['obs-fold continuation line', `X-A: 1\r\n Content-Length: 0\r\nContent-Length: ${BODY.length}\r\n`, BODY + HIDDEN, 400],
    ['Content-Length: +35', 'Content-Length: +35\r\n', BODY + HIDDEN, 400],
    ['a bare CR in a value', `anthropic-beta: a\rb\r\nContent-Length: ${BODY.length}\r\n`, BODY + HIDDEN, 400],
    ['NUL in a value', `X-A: a\0b\r\nContent-Length: ${BODY.length}\r\n`, BODY + HIDDEN, 400],
    ['a line without a colon', `no colon\r\nContent-Length: ${BODY.length}\r\n`, BODY + HIDDEN, 400],
  ];
  for (const [name, fields, rest, status] of cases) {
    test(`${name} → ${status}`, async () => refused(await raw(head(fields) + rest), status));
  }
  test('an HTTP/1.0 request with Transfer-Encoding → 400', async () =>
    refused(await raw(head('Transfer-Encoding: chunked\r\n', 'POST /v1/chat/completions HTTP/1.0') + `0\r\n\r\n${HIDDEN}`), 400));
});

describe('malformed request lines and framing', () => {
  test('a bad version token → 400, never echoed', async () => {
    const r = await raw('GET /health FOO/9\r\nHost: x\r\n\r\n');
    refused(r, 400);
    assert.doesNotMatch(r.text, /FOO\/9/);
  });
  test('HTTP/2.0 on the HTTP/1.1 port → 505', async () => refused(await raw('GET /health HTTP/2.0\r\nHost: x\r\n\r\n'), 505));
  test('no Host on HTTP/1.1 → 400', async () => refused(await raw('GET /health HTTP/1.1\r\n\r\n'), 400));
  test('a request-target over 16 KB → 414', async () =>
    refused(await raw(`GET /${'a'.repeat(17000)} HTTP/1.1\r\nHost: x\r\n\r\n`), 414));
  test('a 70 KB head → 431', async () =>
    refused(await raw(`GET /health HTTP/1.1\r\nHost: x\r\n${'X-Pad: 0123456789abcdef\r\n'.repeat(3000)}\r\n`), 431));
  test('a chunk size of 2^64 → 400', async () =>
    refused(await raw(head('Transfer-Encoding: chunked\r\n') + 'FFFFFFFFFFFFFFFFF\r\nx'), 400));
  test('a chunk size ≥ 2^63 → 400, not "until close"', async () =>
    refused(await raw(head('Transfer-Encoding: chunked\r\n') + '8000000000000000\r\nx'), 400));
  test('too many trailer fields → 400', async () => {
    const trailers = 'T: v\r\n'.repeat(100);
    refused(await raw(`${head('Transfer-Encoding: chunked\r\n')}${BODY.length.toString(16)}\r\n${BODY}\r\n0\r\n${trailers}\r\n`), 400);
  });
  test('a well-formed chunked request with trailers is served', async () => {
    const r = await raw(`${head('Transfer-Encoding: chunked\r\nConnection: close\r\n')}${BODY.length.toString(16)}\r\n${BODY}\r\n0\r\nX-T: 1\r\n\r\n`);
    assert.deepEqual(r.statuses, [200], r.text);
    assert.equal(mock.requests.length, 1);
  });
  test('a pipelined valid second request still runs (only framing errors are refused)', async () => {
    const one = `${head(`Content-Length: ${BODY.length}\r\n`)}${BODY}`;
    const two = `${head(`Content-Length: ${BODY.length}\r\nConnection: close\r\n`)}${BODY}`;
    const r = await raw(one + two);
    assert.deepEqual(r.statuses, [200, 200], r.text);
    assert.equal(mock.requests.length, 2);
  });
});

describe('slow clients are cut at a deadline, and others are served meanwhile', () => {
  /** Opens a connection that writes `bytes` one byte every `everyMs`; resolves like raw(). */
  function drip(bytes, everyMs) {
    return new Promise((resolve) => {
      const t0 = performance.now();
      const s = net.connect(gw.port, '127.0.0.1');
      let text = '';
      let i = 0;
      const timer = setInterval(() => {
        if (i < bytes.length && !s.destroyed) s.write(bytes[i++]);
      }, everyMs);
      const done = () => {
        clearInterval(timer);
        s.destroy();
        resolve({ text, ms: performance.now() - t0, statuses: [...text.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1])) });
      };
      s.on('data', (d) => { text += d; });
      s.on('end', done);
      s.on('error', done);
      setTimeout(done, 10_000);
    });
  }

  test('a head dripped a byte every 100 ms → 408 at the head deadline, not kept forever', async () => {
    const r = await drip(`GET /health HTTP/1.1\r\nHost: x\r\n${'X-Slow: 1\r\n'.repeat(50)}\r\n`, 100);
    assert.deepEqual(r.statuses, [408], r.text);
    assert.ok(r.ms >= HEAD_MS - 100 && r.ms < HEAD_MS + 1500, `cut after ${r.ms} ms`);
  });

  test('a body dripped a byte every 100 ms → 408 at the body deadline', async () => {
    const h = head(`Content-Length: ${BODY.length}\r\n`);
    const t0 = performance.now();
    const r = await new Promise((resolve) => {
      const s = net.connect(gw.port, '127.0.0.1');
      let text = '';
      let i = 0;
      let timer;
      s.on('connect', () => {
        s.write(h);
        timer = setInterval(() => { if (i < BODY.length && !s.destroyed) s.write(BODY[i++]); }, 100);
      });
      const done = () => { clearInterval(timer); s.destroy(); resolve(text); };
      s.on('data', (d) => { text += d; });
      s.on('end', done);
      s.on('error', done);
      setTimeout(done, 10_000);
    });
    const ms = performance.now() - t0;
    assert.match(r, /^HTTP\/1\.1 408 /, r);
    assert.ok(ms < BODY_MS + 1500, `cut after ${ms} ms`);
    assert.equal(mock.requests.length, 0);
  });

  test('blank lines dripped forever are cut too', async () => {
    const r = await drip('\r\n'.repeat(200), 50);
    assert.ok(r.ms < HEAD_MS + 1500, `held for ${r.ms} ms`);
  });

  test('ten slow clients at once: /health still answers at once', async () => {
    const slow = Array.from({ length: 10 }, () => drip(`GET /health HTTP/1.1\r\nHost: x\r\n${'X-Slow: 1\r\n'.repeat(100)}\r\n`, 200));
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const res = await request(`${gw.url}/health`);
      assert.equal(res.status, 200);
      assert.ok(performance.now() - t0 < 200, `/health took ${performance.now() - t0} ms during the attack`);
    }
    const results = await Promise.all(slow);
    for (const r of results) assert.deepEqual(r.statuses, [408]);
  });

  test('a connection that never sends a byte is closed without an answer', async () => {
    const r = await raw('', { waitMs: HEAD_MS + 2000 });
    assert.ok(r.closed);
    assert.equal(r.text, '');
  });
});
