// general_settings.master_key: requests without it, or with another key, are refused with an
// OpenAI-shaped 401 before anything reaches the upstream; the upstream gets the deployment key.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { errorOf, gatewayConfig, postJSON, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

const MASTER = 'sk-master-4d9e1b';
let mock;
let gw;
let chatUrl;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  gw = await startGateway({ config: gatewayConfig({ upstream: mock.url, masterKey: MASTER }) });
  chatUrl = `${gw.url}/v1/chat/completions`;
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});
beforeEach(() => mock.reset());

const body = { model: 'gpt-4o-mini', messages: [USER_HELLO] };

function assertUnauthorized(res) {
  assert.equal(res.status, 401, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const e = errorOf(res);
  assert.equal(e.type, 'invalid_request_error');
  assert.equal(e.code, 'invalid_api_key');
  assert.equal(mock.requests.length, 0, 'an unauthenticated request reached the upstream');
  return e;
}

describe('master_key', () => {
  test('no Authorization header → 401 invalid_api_key', async () => {
    assertUnauthorized(await postJSON(chatUrl, body));
  });

  test('wrong key → 401 invalid_api_key, and the error does not echo the key', async () => {
    const res = await postJSON(chatUrl, body, { headers: { authorization: 'Bearer sk-wrong-key-abcdef' } });
    assertUnauthorized(res);
    assert.ok(!res.text.includes('sk-wrong-key-abcdef'));
    assert.ok(!res.text.includes(MASTER));
  });

  test('malformed Authorization (not Bearer) → 401', async () => {
    assertUnauthorized(await postJSON(chatUrl, body, { headers: { authorization: `Basic ${MASTER}` } }));
  });

  test('streamed request without a key → 401 JSON, not an event stream', async () => {
    const res = await postJSON(chatUrl, { ...body, stream: true });
    assertUnauthorized(res);
  });

  test('right key → 200, upstream gets the deployment key, not the master key', async () => {
    const res = await postJSON(chatUrl, body, { headers: { authorization: `Bearer ${MASTER}` } });
    assert.equal(res.status, 200, res.text);
    assert.equal(mock.requests.length, 1);
    const rec = mock.requests[0];
    assert.equal(rec.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    assert.ok(!JSON.stringify(rec.rawHeaders).includes(MASTER), 'master key forwarded upstream');
  });

  test('the same on /chat/completions without /v1', async () => {
    assertUnauthorized(await postJSON(`${gw.url}/chat/completions`, body));
    const ok = await postJSON(`${gw.url}/chat/completions`, body, { headers: { authorization: `Bearer ${MASTER}` } });
    assert.equal(ok.status, 200, ok.text);
  });
});
