// x-llmgw-cost on streams, through the real binary against the OpenAI and Anthropic mocks, read
// with node:http (the raw event bytes, and res.trailers for the chunked trailer):
//   - the head declares `Trailer: x-llmgw-cost`; the stream ends with the SSE comment line
//     `: x-llmgw-cost: <usd>` just before the dialect's terminal event (OpenAI `data: [DONE]`,
//     Anthropic `event: message_stop`), and the chunked body ends with the trailer field of the
//     same figure;
//   - in both client dialects, passthrough and translated both ways;
//   - the figure is the price table's for the usage the upstream reported, and the ledger row's
//     cost, exactly;
//   - a stream that fails ends with neither; a whole answer keeps its header and no trailer.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import {
  ANTHROPIC_UPSTREAM_KEY, UPSTREAM_KEY, anthropicDeployment, deployment, gatewayConfig, postJSON, request, startGateway,
  RELAY_AS_IS } from './lib/gateway.mjs';
import { sleep } from './lib/scripted-upstream.mjs';

const MASTER = 'sk-gw-master-stream-cost-5e1b7c';
// Round prices, so each figure can be worked out by hand: $1 per 1M input tokens, $2 per 1M output.
const PRICES = {
  'gpt-4o-mini': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 5e-7,
    litellm_provider: 'openai' },
  'claude-sonnet-4-5': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 1e-7,
    cache_creation_input_token_cost: 1.25e-6, litellm_provider: 'anthropic' },
};
// What the OpenAI mock reports when told to: 1000 prompt tokens (200 cached), 501 output.
const OPENAI_USAGE = { prompt_tokens: 1000, completion_tokens: 501, total_tokens: 1501,
  prompt_tokens_details: { cached_tokens: 200 } };
// 800 × 1e-6 + 200 × 5e-7 + 501 × 2e-6 = $0.001902
const OPENAI_COST = '0.001902';

let openai;
let anthropic;
let gw;
let dir;
let key;

/** POSTs `body` with node:http and reads the whole answer: { status, headers, text, trailers }. */
function rawPost(url, body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text, trailers: res.trailers }));
        res.on('error', reject);
      });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

const openaiChat = (model, extra = {}) => rawPost(`${gw.url}/v1/chat/completions`,
  { model, stream: true, messages: [{ role: 'user', content: 'Say hello.' }], ...extra },
  { authorization: `Bearer ${key}` });
const anthropicMessages = (model, extra = {}) => rawPost(`${gw.url}/v1/messages`,
  { model, max_tokens: 256, stream: true, messages: [{ role: 'user', content: 'Say hello.' }], ...extra },
  { 'x-api-key': key, 'anthropic-version': '2023-06-01' });

/** The ledger row of `requestId`, once written. */
async function ledgerRow(requestId) {
  const end = Date.now() + 5000;
  while (Date.now() < end) {
    const res = await request(`${gw.url}/spend/logs?api_key=${key}&limit=1000`,
      { headers: { authorization: `Bearer ${MASTER}` } });
    const row = res.json?.find?.((r) => r.request_id === requestId);
    if (row) return row;
    await sleep(50);
  }
  return assert.fail(`no ledger row for ${requestId}`);
}

const nano = (usd) => Math.round(Number(usd) * 1e9);
/** The price table's figure for a ledger row's token split, in nano-dollars. */
function tableCost(row, price) {
  const uncached = row.prompt_tokens - row.cached_read_tokens - row.cache_write_tokens;
  return Math.round(uncached * price.input_cost_per_token * 1e9 + row.completion_tokens * price.output_cost_per_token * 1e9
    + row.cached_read_tokens * price.cache_read_input_token_cost * 1e9
    + row.cache_write_tokens * (price.cache_creation_input_token_cost ?? 0) * 1e9);
}

/**
 * Checks a streamed answer's ending: the trailer declared, the comment line just before
 * `terminal` (the text of the dialect's terminal event), the trailer field of the same figure,
 * and the ledger row's cost equal to it. Returns { figure, row }.
 */
async function assertCostEnding(res, terminal) {
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers['content-type'], /^text\/event-stream/);
  assert.equal(res.headers['transfer-encoding'], 'chunked');
  assert.equal(res.headers.trailer, 'x-llmgw-cost');
  assert.equal(res.headers['x-llmgw-cost'], undefined, 'a stream has no cost header');
  const m = /(?:^|\n\n): x-llmgw-cost: (\d+(?:\.\d+)?)\n\n([\s\S]*)$/.exec(res.text);
  assert.ok(m, `the stream ends with the cost comment before its terminal event:\n${res.text.slice(-400)}`);
  assert.ok(m[2].startsWith(terminal), `right after the comment comes the terminal event, got: ${m[2]}`);
  assert.equal(res.text.match(/x-llmgw-cost/g).length, 1, 'one comment line');
  assert.equal(res.trailers['x-llmgw-cost'], m[1], 'the trailer carries the same figure');
  const row = await ledgerRow(res.headers['x-llmgw-request-id']);
  assert.equal(nano(row.spend), nano(m[1]), 'the ledger row has the same cost');
  return { figure: m[1], row };
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-stream-cost-'));
  fs.writeFileSync(path.join(dir, 'prices.json'), JSON.stringify(PRICES));
  openai = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  anthropic = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
  const cfg = gatewayConfig({
    masterKey: MASTER,
    router: RELAY_AS_IS,
    deployments: [
      deployment({ alias: 'gpt', model: 'gpt-4o-mini', upstream: openai.url }),
      anthropicDeployment({ alias: 'claude', model: 'claude-sonnet-4-5', upstream: anthropic.url }),
    ],
  });
  cfg.general_settings.database_url = `sqlite://${path.join(dir, 'llmgw.db')}`;
  cfg.general_settings.model_prices = path.join(dir, 'prices.json');
  gw = await startGateway({ config: cfg });
  const res = await postJSON(`${gw.url}/key/generate`, { key_alias: 'stream-cost' },
    { headers: { authorization: `Bearer ${MASTER}` } });
  assert.equal(res.status, 200, res.text);
  key = res.json.key;
});

after(async () => {
  await gw?.stop();
  await openai?.close();
  await anthropic?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('OpenAI clients', () => {
  test('passthrough: the upstream\'s usage priced, before data: [DONE] and in the trailer', async () => {
    openai.enqueue({ usage: OPENAI_USAGE });
    const res = await openaiChat('gpt', { stream_options: { include_usage: true } });
    const { figure, row } = await assertCostEnding(res, 'data: [DONE]\n\n');
    assert.equal(figure, OPENAI_COST);
    assert.equal(row.prompt_tokens, 1000);
    assert.equal(row.completion_tokens, 501);
    assert.equal(row.cached_read_tokens, 200);
  });

  test('passthrough without usage: the estimate the ledger charges is the figure', async () => {
    const res = await openaiChat('gpt');
    const { figure, row } = await assertCostEnding(res, 'data: [DONE]\n\n');
    assert.ok(nano(figure) > 0);
    assert.equal(nano(figure), tableCost(row, PRICES['gpt-4o-mini']));
  });

  test('translated from an Anthropic upstream: before data: [DONE]', async () => {
    const res = await openaiChat('claude', { stream_options: { include_usage: true } });
    const { figure, row } = await assertCostEnding(res, 'data: [DONE]\n\n');
    assert.ok(row.prompt_tokens > 0 && row.completion_tokens > 0);
    assert.equal(nano(figure), tableCost(row, PRICES['claude-sonnet-4-5']));
    // The usage chunk the client asked for still precedes the comment.
    const events = res.text.split('\n\n').filter((e) => e.startsWith('data: {'));
    assert.ok(JSON.parse(events.at(-1).slice(6)).usage, 'the last data event carries the usage');
  });

  test('a stream that fails ends with neither the comment nor the trailer', async () => {
    openai.enqueue({ truncateStream: true, cutAfter: 3 });
    const res = await openaiChat('gpt');
    assert.equal(res.status, 200);
    assert.equal(res.headers.trailer, 'x-llmgw-cost');  // declared before the failure was known
    assert.match(res.text, /"error"/);
    assert.doesNotMatch(res.text, /x-llmgw-cost/);
    assert.equal(res.trailers['x-llmgw-cost'], undefined);
  });

  test('a whole answer keeps its header and declares no trailer', async () => {
    openai.enqueue({ usage: OPENAI_USAGE });
    const res = await rawPost(`${gw.url}/v1/chat/completions`,
      { model: 'gpt', messages: [{ role: 'user', content: 'Say hello.' }] }, { authorization: `Bearer ${key}` });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers['x-llmgw-cost'], OPENAI_COST);
    assert.equal(res.headers.trailer, undefined);
    assert.deepEqual(res.trailers, {});
  });
});

describe('Anthropic clients', () => {
  test('passthrough: the upstream\'s usage priced, before event: message_stop and in the trailer', async () => {
    const res = await anthropicMessages('claude');
    const { figure, row } = await assertCostEnding(res, 'event: message_stop\n');
    // The usage the mock reported, read from the stream the client got.
    const start = /event: message_start\ndata: (.*)\n/.exec(res.text);
    const delta = /event: message_delta\ndata: (.*)\n/.exec(res.text);
    const input = JSON.parse(start[1]).message.usage.input_tokens;
    const output = JSON.parse(delta[1]).usage.output_tokens;
    assert.equal(row.prompt_tokens, input);
    assert.equal(row.completion_tokens, output);
    assert.equal(nano(figure), input * 1000 + output * 2000);
    // The comment comes after message_delta: only message_stop follows it.
    assert.ok(res.text.indexOf('event: message_delta') < res.text.indexOf(': x-llmgw-cost'));
  });

  test('translated from an OpenAI upstream: between message_delta and message_stop', async () => {
    openai.enqueue({ usage: OPENAI_USAGE });
    const res = await anthropicMessages('gpt');
    const { figure } = await assertCostEnding(res, 'event: message_stop\n');
    assert.equal(figure, OPENAI_COST);
    assert.ok(res.text.indexOf('event: message_delta') < res.text.indexOf(': x-llmgw-cost'));
  });
});
