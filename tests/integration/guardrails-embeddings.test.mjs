// /v1/embeddings runs the input guardrails as chat does: a redact term is replaced in "input"
// (a string or each string of a list) before it goes upstream, every other byte as sent; a block
// is a 400 in OpenAI's shape naming the detector, never the term, with nothing sent upstream.
// Token-array inputs carry no text and pass. The guardrail is the third-party sample.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { deployment, errorOf, gatewayConfig, postJSON, RELAY_AS_IS, startGateway } from './lib/gateway.mjs';

let mock;
let gw;

before(async () => {
  mock = await startOpenAIMock();
  const cfg = gatewayConfig({
    router: RELAY_AS_IS,
    deployments: [
      deployment({ alias: 'embed', model: 'text-embedding-3-small', upstream: mock.url }),
      deployment({ alias: 'embed-open', model: 'text-embedding-3-small', upstream: mock.url }),
    ],
    load: ['provider-openai', { path: 'guardrail-denylist', config: { block: ['project zeus'], redact: ['acme corp'] } }],
  });
  cfg.guardrails = [{ plugin: 'guardrail-denylist', aliases: ['embed'] }];
  gw = await startGateway({ config: cfg });
});
after(async () => { await gw?.stop(); await mock?.close(); });
beforeEach(() => mock.reset());

const embed = (body) => postJSON(`${gw.url}/v1/embeddings`, body);

test('a string input: the term is redacted before it goes upstream; the answer is the vectors', async () => {
  const res = await embed({ model: 'embed', input: 'Reviews of ACME Corp products', user: 'u-1' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.data.length, 1);
  assert.equal(mock.requests.length, 1);
  assert.deepEqual(mock.requests[0].json, { model: 'text-embedding-3-small', input: 'Reviews of [REDACTED] products', user: 'u-1' });
});

test('a list input: each string is judged on its own; the rest of the body is kept byte for byte', async () => {
  const body = '{"model":"embed", "input":["acme corp one","two", "three acme corp"],"dimensions":64}';
  const res = await postJSON(`${gw.url}/v1/embeddings`, body);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.data.map((d) => d.index), [0, 1, 2]);
  assert.equal(mock.requests[0].body.toString('utf8'),
    '{"model":"text-embedding-3-small", "input":["[REDACTED] one","two", "three [REDACTED]"],"dimensions":64}');
});

test('a block term: 400 guardrail_blocked naming the detector, never the term; nothing upstream', async () => {
  const res = await embed({ model: 'embed', input: ['fine', 'notes on Project Zeus'] });
  assert.equal(res.status, 400, res.text);
  const e = errorOf(res);
  assert.equal(e.code, 'guardrail_blocked');
  assert.match(e.message, /guardrail-denylist: detector denylist/);
  assert.ok(!/zeus/i.test(res.text), res.text);
  assert.equal(mock.requests.length, 0);
});

test('token-array input carries no text and passes; an alias the guardrail does not name is not guarded', async () => {
  const tokens = await embed({ model: 'embed', input: [[1, 2, 3]] });
  assert.equal(tokens.status, 200, tokens.text);
  const open = await embed({ model: 'embed-open', input: 'Project Zeus' });
  assert.equal(open.status, 200, open.text);
  assert.equal(mock.requests.at(-1).json.input, 'Project Zeus');
});
