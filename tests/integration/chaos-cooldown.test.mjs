// Chaos: cooldowns and the half-open probe. A deployment that failed allowed_fails times gets no
// traffic for cooldown_time; then exactly one call probes it: a failed probe cools it again at
// once, a successful one gives it traffic again. When every deployment of an alias is cooling
// down the client gets 429 with a Retry-After saying when the first one returns.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { openaiError, startOpenAIMock } from '../mocks/openai-mock.mjs';
import { attemptsOf, chaosConfig, dep, sleepUntil, untilHit, withGateway } from './lib/chaos.mjs';
import { errorOf, postJSON, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

let x;
let y;
before(async () => {
  x = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  y = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
});
after(async () => {
  await x?.close();
  await y?.close();
});
beforeEach(() => { x.reset(); y.reset(); });

const COOLDOWN_MS = 2000;
const pool = () => chaosConfig([dep('X', { alias: 'pool', upstream: x.url }), dep('Y', { alias: 'pool', upstream: y.url })],
  { num_retries: 2, allowed_fails: 2, cooldown_time: COOLDOWN_MS / 1000 });
const chat = (gw) => postJSON(`${gw.url}/v1/chat/completions`, { model: 'pool', messages: [USER_HELLO] }, { signal: AbortSignal.timeout(20_000) });
const serverError = openaiError('The server had an error while processing your request. Sorry about that!', { type: 'server_error' });

/** Calls until X failed `allowed_fails` (2) times in a row; returns when the second failure arrived. */
async function coolX(gw) {
  x.enqueue({ status: 500, body: serverError, times: 1000 });
  for (let n = 1; n <= 2; n++) {
    const { res } = await untilHit(x, () => chat(gw));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'Y');
    assert.equal(x.requests.length, n);
  }
  return x.requests[1].arrivedAt;
}

/** Calls for `ms` (sequentially, at least `min` of them); all must be answered 200 by Y. */
async function burst(gw, ms, min = 10) {
  const end = performance.now() + ms;
  let n = 0;
  while (n < min || performance.now() < end) {
    const res = await chat(gw);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'Y');
    n++;
  }
  return n;
}

test('allowed_fails failures → no traffic for cooldown_time → one probe; a failed probe cools again at once', async () => {
  await withGateway(pool(), async (gw) => {
    const cooledAt = await coolX(gw);
    await burst(gw, COOLDOWN_MS - 600 - (performance.now() - cooledAt));
    assert.equal(x.requests.length, 2, 'X got a call while cooling down');

    await sleepUntil(cooledAt + COOLDOWN_MS + 100);
    const { res } = await untilHit(x, () => chat(gw)); // the probe (fails: X still answers 500)
    assert.equal(res.status, 200, res.text);
    assert.equal(x.requests.length, 3);
    const probeAt = x.requests[2].arrivedAt;
    assert.ok(probeAt - cooledAt >= COOLDOWN_MS - 5, `the probe came ${(probeAt - cooledAt).toFixed(0)} ms after the cooldown began`);
    // One failed probe is enough to cool X again (not allowed_fails more failures).
    await burst(gw, 1200, 20);
    assert.equal(x.requests.length, 3, 'X got traffic right after its probe failed');
  });
});

test('a successful probe gives the deployment its traffic back', async () => {
  await withGateway(pool(), async (gw) => {
    const cooledAt = await coolX(gw);
    x.reset(); // X answers normally from now on; its arrivals restart at 0
    await sleepUntil(cooledAt + COOLDOWN_MS + 100);
    const { res } = await untilHit(x, () => chat(gw));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'X', 'the probe succeeded and answered');
    assert.equal(attemptsOf(res), 1);
    let toX = 0;
    for (let i = 0; i < 30; i++) {
      const r = await chat(gw);
      assert.equal(r.status, 200, r.text);
      if (r.headers.get('x-llmgw-deployment') === 'X') toX++;
    }
    assert.ok(toX >= 3, `X answered ${toX} of 30 calls after its successful probe`);
  });
});

test('half-open: concurrent calls after the cooldown send exactly one probe', async () => {
  await withGateway(pool(), async (gw) => {
    const cooledAt = await coolX(gw);
    x.reset();
    x.enqueue({ status: 500, body: serverError, delayMs: 500, times: 1000 }); // a slow failing probe
    await sleepUntil(cooledAt + COOLDOWN_MS + 100);
    const results = await Promise.all(Array.from({ length: 16 }, () => chat(gw)));
    for (const r of results) assert.equal(r.status, 200, r.text);
    assert.equal(x.requests.length, 1, `${x.requests.length} calls reached X while its probe was in flight`);
  });
});

test('every deployment cooling down → 429 with Retry-After ≈ when the first returns; it returns then', async () => {
  const config = chaosConfig([dep('X', { alias: 'pool', upstream: x.url }), dep('Y', { alias: 'pool', upstream: y.url })],
    { num_retries: 0, allowed_fails: 100, cooldown_time: 30 });
  await withGateway(config, async (gw) => {
    // Cooled by their Retry-After alone (allowed_fails is far off): X for 2 s, Y for 6 s.
    x.enqueue({ status: 429, headers: { 'retry-after': '2' }, times: 1 });
    y.enqueue({ status: 503, headers: { 'retry-after': '6' }, times: 1 });
    const first = await chat(gw);
    assert.ok(first.status === 429 || first.status === 503, first.text);
    assert.equal(x.requests.length + y.requests.length, 2, 'each deployment was tried once');
    const cooledAt = Math.max(x.requests[0].arrivedAt, y.requests[0].arrivedAt);

    const res = await chat(gw);
    assert.equal(res.status, 429, res.text);
    assert.equal(errorOf(res).code, 'deployments_cooling_down');
    const wait = Number(res.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 2, `Retry-After ${res.headers.get('retry-after')}: X returns in ~2 s (Y in 6 s)`);
    assert.equal(x.requests.length + y.requests.length, 2, 'no upstream call while all are cooling down');

    // X returns after its Retry-After (the client's Retry-After said so); Y is still out.
    await sleepUntil(cooledAt + 2100);
    const back = await chat(gw);
    assert.equal(back.status, 200, back.text);
    assert.equal(back.headers.get('x-llmgw-deployment'), 'X');
    assert.equal(y.requests.length, 1, 'Y is still cooling down');
  });
});
