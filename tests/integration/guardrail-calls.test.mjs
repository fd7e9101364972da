// Per-call guardrail state (plugin ABI 1.2) in the real gateway: every client request a guardrail
// with call hooks guards opens exactly one call and closes it exactly once, whatever way the
// request ends — answered whole or streamed, blocked by the guardrail, failed upstream, retried,
// or cut by a client that hangs up mid-stream. The guardrail is the ABI test fixture
// fixture-guardrail-calls (built with abi_loader), which counts call_open, call_close and hooks
// handed a call it did not open on its host counters (/metrics llmgw_plugin_fixture_calls_*).
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { PLUGIN_DIR, UPSTREAM_KEY, deployment, gatewayConfig, postJSON, startGateway } from './lib/gateway.mjs';

const FIXTURE = path.resolve(PLUGIN_DIR, '../../../tests/abi/fixtures/fixture-guardrail-calls.so');
let mock;
let gw;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  const cfg = gatewayConfig({
    router: { num_retries: 1, disable_cooldowns: true },
    deployments: [deployment({ alias: 'gpt', upstream: mock.url }), deployment({ alias: 'plain', upstream: mock.url })],
    load: ['provider-openai', FIXTURE],
  });
  cfg.guardrails = [{ plugin: 'fixture-guardrail-calls', aliases: ['gpt'] }];
  gw = await startGateway({ config: cfg });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});

async function counters() {
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const value = (name) => Number(/^(\S+) (\d+)$/m.exec(text.split('\n').filter((l) => l.startsWith(`llmgw_plugin_${name}_total`)).join('\n'))?.[2] ?? 0);
  return { opened: value('fixture_calls_opened'), closed: value('fixture_calls_closed'), foreign: value('fixture_calls_foreign') };
}

/** Waits until `closed` reaches `want` (a request's call closes as its handler ends). */
async function closedReaches(want) {
  const end = Date.now() + 5000;
  for (;;) {
    const c = await counters();
    if (c.closed >= want || Date.now() > end) return c;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const chat = (body) => postJSON(`${gw.url}/v1/chat/completions`, { model: 'gpt', messages: [{ role: 'user', content: 'my secret' }], ...body });

/** Starts a stream, waits for its first event, then destroys the client socket. */
function streamThenHangUp() {
  return new Promise((resolve, reject) => {
    const req = http.request(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let buf = '';
        res.on('data', (d) => {
          buf += d;
          if (buf.includes('\n\n')) {
            req.destroy();
            resolve(res.statusCode);
          }
        });
        res.on('error', () => {});
      });
    req.on('error', (e) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    req.end(JSON.stringify({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'my secret' }] }));
  });
}

test('one call opened and closed per request on every path; no hook is handed a foreign call', async () => {
  let requests = 0;
  // Answered whole, and streamed.
  assert.equal((await chat({})).status, 200);
  requests++;
  const streamed = await chat({ stream: true });
  assert.equal(streamed.status, 200);
  assert.match(streamed.text, /\[DONE\]/);
  requests++;
  // Blocked by the guardrail: nothing upstream.
  const before = mock.requests.length;
  const blocked = await chat({ messages: [{ role: 'user', content: 'a forbidden word' }] });
  assert.equal(blocked.status, 400);
  assert.equal(mock.requests.length, before);
  requests++;
  // Retried: the second attempt answers.
  mock.enqueue({ status: 500 });
  assert.equal((await chat({ stream: true })).status, 200);
  requests++;
  // Failed upstream on every attempt.
  mock.enqueue({ status: 500, times: 2 });
  assert.ok((await chat({})).status >= 500);
  requests++;
  // The client hangs up mid-stream.
  mock.enqueue({ streamDelayMs: 100 });
  assert.equal(await streamThenHangUp(), 200);
  requests++;
  // An alias the guardrail does not guard opens none.
  assert.equal((await postJSON(`${gw.url}/v1/chat/completions`, { model: 'plain', messages: [{ role: 'user', content: 'hi' }] })).status, 200);
  const c = await closedReaches(requests);
  assert.deepEqual(c, { opened: requests, closed: requests, foreign: 0 });
});

test('the call links the request to its answer: what the input replaced comes back in the answer', async () => {
  // The fixture turns "secret" into "[S]" upstream and "[S]" back into "secret" in the answer of the same call.
  mock.enqueue({ content: 'you said [S]' });
  const res = await chat({});
  assert.equal(res.status, 200);
  assert.equal(res.json.choices[0].message.content, 'you said secret');
  assert.ok(mock.requests.at(-1).body.toString('utf8').includes('my [S]'));
});
