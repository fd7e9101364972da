// A pool of deployments under one alias: a retryable failure (refused connection, 5xx, 429)
// before anything reached the client moves the call to the next deployment; a 400 does not.
// The answer names the deployment that answered and the attempts made.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { closedPort, deployment, gatewayConfig, postJSON, readSSE, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

let good;
let flaky;
let refusedUrl;

before(async () => {
  good = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  flaky = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  refusedUrl = `http://127.0.0.1:${await closedPort()}`;
});
after(async () => {
  await good?.close();
  await flaky?.close();
});
beforeEach(() => { good.reset(); flaky.reset(); });

const body = { model: 'pool', messages: [USER_HELLO] };

async function withGateway(upstreams, fn, routerSettings) {
  const config = gatewayConfig({ deployments: upstreams.map((u) => deployment({ alias: 'pool', upstream: u })) });
  if (routerSettings) config.router_settings = routerSettings;
  const gw = await startGateway({ config });
  try { await fn(gw); } finally { await gw.stop(); }
}

test('a deployment that refuses connections: every request still succeeds on the other', async () => {
  await withGateway([refusedUrl, good.url], async (gw) => {
    const seen = new Set();
    for (let i = 0; i < 12; i++) {
      const res = await postJSON(`${gw.url}/v1/chat/completions`, body);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('x-llmgw-deployment'), 'pool#1');
      seen.add(res.headers.get('x-llmgw-attempts'));
    }
    assert.equal(good.requests.length, 12);
    assert.ok(seen.has('2'), 'some requests were first sent to the refusing deployment');
  });
});

test('5xx and 429 move the call on; the failed attempt leaves no headers behind', async () => {
  await withGateway([flaky.url, good.url], async (gw) => {
    flaky.enqueue({ status: 503, times: 50, headers: { 'retry-after': '9', 'x-request-id': 'req_failed' } });
    let retried = 0;
    for (let i = 0; i < 10; i++) {
      const res = await postJSON(`${gw.url}/v1/chat/completions`, body);
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('x-llmgw-deployment'), 'pool#1');
      if (res.headers.get('x-llmgw-attempts') === '2') {
        retried++;
        assert.equal(res.headers.get('retry-after'), null, 'headers of the failed attempt are not relayed');
        assert.notEqual(res.headers.get('x-request-id'), 'req_failed');
      }
    }
    assert.equal(retried, flaky.requests.length, 'every call that reached the failing deployment was retried');
  });
});

test('a stream fails over before its first byte', async () => {
  await withGateway([flaky.url, good.url], async (gw) => {
    flaky.enqueue({ status: 429, times: 50 });
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, stream: true }),
      });
      assert.equal(res.status, 200);
      const events = [];
      for await (const e of readSSE(res.body)) events.push(e.data);
      assert.equal(events.at(-1), '[DONE]');
    }
  });
});

test('a 400 is not retried: it is the request, not the deployment', async () => {
  await withGateway([flaky.url, good.url], async (gw) => {
    flaky.enqueue({ status: 400, times: 50, body: { error: { message: 'bad thing', type: 'invalid_request_error', param: null, code: null } } });
    good.enqueue({ status: 400, times: 50, body: { error: { message: 'bad thing', type: 'invalid_request_error', param: null, code: null } } });
    for (let i = 0; i < 6; i++) {
      const res = await postJSON(`${gw.url}/v1/chat/completions`, body);
      assert.equal(res.status, 400, res.text);
      assert.equal(res.headers.get('x-llmgw-attempts'), '1');
    }
    assert.equal(flaky.requests.length + good.requests.length, 6, 'one upstream call per request');
  });
});

test('every deployment failing with num_retries 0: the client gets the last error, after one try each', async () => {
  await withGateway([refusedUrl, flaky.url], async (gw) => {
    flaky.enqueue({ status: 500, times: 50 });
    const res = await postJSON(`${gw.url}/v1/chat/completions`, body);
    assert.ok(res.status === 500 || res.status === 502, res.text);
    assert.equal(res.headers.get('x-llmgw-attempts'), '2');
    assert.equal(flaky.requests.length, 1);
  }, { num_retries: 0 });
});

test('every deployment failing with the default num_retries (2): each is tried, then two retries after a backoff', async () => {
  await withGateway([refusedUrl, flaky.url], async (gw) => {
    flaky.enqueue({ status: 500, times: 50 });
    const t0 = performance.now();
    const res = await postJSON(`${gw.url}/v1/chat/completions`, body);
    assert.ok(res.status === 500 || res.status === 502, res.text);
    assert.equal(res.headers.get('x-llmgw-attempts'), '4');
    assert.ok(flaky.requests.length >= 1 && flaky.requests.length <= 3, `flaky saw ${flaky.requests.length}`);
    assert.ok(performance.now() - t0 >= 40 + 80, 'the retries came after backoffs (at least 50 and 100 ms, jittered to half)');
  });
});

test('fallbacks: once the pool is exhausted, the chain is tried in the configured order', async () => {
  const backup = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  const config = {
    ...gatewayConfig({ deployments: [
      deployment({ alias: 'primary', upstream: refusedUrl }),
      deployment({ alias: 'second', upstream: flaky.url }),
      deployment({ alias: 'backup', upstream: backup.url }),
    ] }),
    router_settings: { num_retries: 0, fallbacks: [{ primary: ['second', 'backup'] }] },
  };
  const gw = await startGateway({ config });
  try {
    flaky.enqueue({ status: 529, times: 50 });
    const res = await postJSON(`${gw.url}/v1/chat/completions`, { ...body, model: 'primary' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'backup#0');
    assert.equal(res.headers.get('x-llmgw-attempts'), '3');
    assert.equal(flaky.requests.length, 1, 'the chain went primary → second → backup, in that order');
    assert.equal(backup.requests.length, 1);
    // Without a fallback chain the alias fails on its own.
    const alone = await postJSON(`${gw.url}/v1/chat/completions`, { ...body, model: 'second' });
    assert.equal(alone.status, 529, alone.text);
  } finally {
    await gw.stop();
    await backup.close();
  }
});
