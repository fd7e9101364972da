// An upstream body nested 100,000 levels deep (a hostile or broken upstream) is a 502 for the
// client and the gateway keeps serving: every plugin's JSON parse bounds its nesting (it used to
// recurse until the stack ran out: SIGSEGV). Gemini, Mistral, Ollama and Cohere have the same
// check in their own tests.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { anthropicDeployment, deployment, gatewayConfig, postJSON, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

const DEEP = `{"choices":${'['.repeat(100000)}${']'.repeat(100000)}}`;
let oa;
let an;
let gw;

before(async () => {
  oa = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  an = await startAnthropicMock({});
  gw = await startGateway({ config: gatewayConfig({
    deployments: [deployment({ alias: 'o', upstream: oa.url }), anthropicDeployment({ alias: 'a', upstream: an.url })],
    router: { num_retries: 0, disable_cooldowns: true } }) });
});
after(async () => { await gw?.stop(); await oa?.close(); await an?.close(); });

for (const [name, alias, mock] of [['provider-openai (passthrough)', 'o', () => oa], ['provider-anthropic (translated)', 'a', () => an]]) {
  test(`${name}: a 100,000-deep 200 body and error body → 502 / 500, then the next call is served`, async () => {
    mock().enqueue({ status: 200, body: DEEP });
    const r = await postJSON(`${gw.url}/v1/chat/completions`, { model: alias, messages: [USER_HELLO] });
    assert.equal(r.status, 502, r.text);
    mock().enqueue({ status: 500, body: DEEP });
    const e = await postJSON(`${gw.url}/v1/chat/completions`, { model: alias, messages: [USER_HELLO] });
    assert.equal(e.status, 500, e.text);
    assert.equal(gw.proc.exitCode, null);
    assert.equal(gw.proc.signalCode, null);
    const ok = await postJSON(`${gw.url}/v1/chat/completions`, { model: alias, messages: [USER_HELLO] });
    assert.equal(ok.status, 200, ok.text);
  });
}
