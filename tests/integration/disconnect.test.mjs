// A client that goes away mid-stream: the gateway must close the upstream connection promptly
// rather than keep reading (and paying for) a stream nobody receives.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { gatewayConfig, postJSON, startGateway, UPSTREAM_KEY } from './lib/gateway.mjs';

let mock;
let gw;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  gw = await startGateway({ config: gatewayConfig({ upstream: mock.url, timeout: 60 }) });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});
beforeEach(() => mock.reset());

const WORDS = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');

/** Starts a stream, waits for its first event, then destroys the client socket. */
function streamThenHangUp(body) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
    }, (res) => {
      let buf = '';
      res.on('data', (d) => {
        buf += d;
        if (buf.includes('\n\n')) {
          const at = Date.now();
          req.destroy();
          resolve({ status: res.statusCode, at, firstEvent: buf });
        }
      });
      res.on('error', () => {});
    });
    req.on('error', (e) => { if (!req.destroyed) reject(e); });
    req.end(JSON.stringify(body));
  });
}

test('client disconnect mid-stream → upstream connection closed within ~1 s', async () => {
  mock.enqueue({ streamDelayMs: 250, content: WORDS });
  const { status, at, firstEvent } = await streamThenHangUp({
    model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'count slowly' }],
  });
  assert.equal(status, 200);
  assert.match(firstEvent, /^data: /);
  const rec = mock.requests[0];
  const closed = await Promise.race([rec.closed, new Promise((r) => setTimeout(() => r(null), 5000))]);
  assert.ok(closed, `upstream still streaming 5 s after the client left (${rec.eventsSent} events sent)`);
  const lag = rec.closedAt - at;
  assert.ok(lag < 1500, `upstream closed ${lag} ms after the client left`);
  assert.equal(rec.aborted, true, 'upstream response finished instead of being cut');
  assert.ok(rec.eventsSent < 20, `upstream sent ${rec.eventsSent} of 43 events`);
});

test('the gateway serves normally after a client disconnect', async () => {
  mock.enqueue({ streamDelayMs: 250, content: WORDS });
  await streamThenHangUp({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'x' }] });
  const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'y' }] });
  assert.equal(res.status, 200, res.text);
});

test('several disconnects in a row leave no upstream stream running', async () => {
  for (let i = 0; i < 3; i++) mock.enqueue({ streamDelayMs: 200, content: WORDS });
  for (let i = 0; i < 3; i++) {
    await streamThenHangUp({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `n${i}` }] });
  }
  const recs = mock.requests.slice(0, 3);
  const all = await Promise.race([
    Promise.all(recs.map((r) => r.closed)),
    new Promise((r) => setTimeout(() => r(null), 5000)),
  ]);
  assert.ok(all, `still streaming: ${recs.filter((r) => r.closedAt === null).length} of 3`);
  for (const r of recs) assert.equal(r.aborted, true);
});
