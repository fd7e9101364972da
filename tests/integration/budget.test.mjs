// Budgets and costs through the real binary, against a scripted upstream whose answers report
// fixed usage, priced by a price table written here:
//   - x-llmgw-cost on whole answers equals the table's figure to the micro-dollar (exactly, as
//     decimal text), and so does the ledger row; a deployment's own prices win over the table;
//   - a key's budget: the call that crosses it succeeds, every later one is refused (429
//     budget_exceeded naming the budget and its reset) until the period resets;
//   - a cancelled stream and a failed-over call leave no reservation behind (reservations taken
//     = settled on /metrics) and are charged once;
//   - budget_enforcement: cut ends a stream that crosses its budget with a budget_exceeded error
//     event (OpenAI and Anthropic clients); the default lets the same stream finish.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { postStream } from './lib/chaos.mjs';
import { gatewayConfig, postJSON, request, startGateway } from './lib/gateway.mjs';
import { STREAM_HEAD, chunk, chunkEvent, sleep, startScriptedUpstream } from './lib/scripted-upstream.mjs';

const MASTER = 'sk-gw-master-budget-8c2e4a61';
// What every answer of the upstream reports: 1000 prompt tokens (200 of them cached), 500 output.
const USAGE = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 200 } };
const PRICES = {
  'budget-model': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 5e-7,
    max_output_tokens: 1000, litellm_provider: 'openai' },
  'pricey-model': { input_cost_per_token: 1e-6, output_cost_per_token: 1e-4, max_output_tokens: 1000,
    litellm_provider: 'openai' },
};
// 800 × 1e-6 + 200 × 5e-7 + 500 × 2e-6 = $0.0019
const COST = '0.0019';
// The override deployment: input 3.3e-7 → 800 × 3.3e-7 + 200 × 5e-7 + 500 × 2e-6 = $0.001364
const OVERRIDE_COST = '0.001364';

let up;
let dir;
const gateways = [];

function answer(socket, body) {
  const text = JSON.stringify({
    id: 'chatcmpl-b', object: 'chat.completion', created: 1, model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: USAGE,
  });
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

async function stream(socket, body, events, everyMs = 0) {
  socket.write(STREAM_HEAD);
  for (let i = 0; i < events && !socket.destroyed; ++i) {
    socket.write(chunk(chunkEvent('tok ')));
    if (everyMs) await sleep(everyMs);
  }
  if (socket.destroyed) return;
  socket.write(chunk(`data: ${JSON.stringify({ id: 'chatcmpl-b', object: 'chat.completion.chunk', created: 1,
    model: body.model, choices: [], usage: USAGE })}\n\n`));
  socket.write(chunk('data: [DONE]\n\n'));
  socket.write('0\r\n\r\n');
}

function config(extra = {}) {
  const cfg = gatewayConfig({
    masterKey: MASTER,
    deployments: [
      { model_name: 'priced', litellm_params: { model: 'openai/budget-model', api_base: `${up.url}/v1`, api_key: 'sk-up' } },
      { model_name: 'override', litellm_params: { model: 'openai/budget-model', api_base: `${up.url}/v1`, api_key: 'sk-up',
        input_cost_per_token: 3.3e-7 } },
      { model_name: 'pricey', litellm_params: { model: 'openai/pricey-model', api_base: `${up.url}/v1`, api_key: 'sk-up' } },
      // A pool whose first pick fails: the call fails over to the second deployment.
      { model_name: 'failover', litellm_params: { model: 'openai/broken-model', api_base: `${up.url}/v1`, api_key: 'sk-up',
        weight: 1000000 }, model_info: { id: 'fo-broken' } },
      { model_name: 'failover', litellm_params: { model: 'openai/budget-model', api_base: `${up.url}/v1`, api_key: 'sk-up',
        weight: 1 }, model_info: { id: 'fo-good' } },
    ],
    router: { num_retries: 0 },
  });
  const db = fs.mkdtempSync(path.join(dir, 'db-'));
  cfg.general_settings.database_url = `sqlite://${path.join(db, 'llmgw.db')}`;
  cfg.general_settings.model_prices = path.join(dir, 'prices.json');
  Object.assign(cfg.general_settings, extra);
  return cfg;
}

async function gateway(extra) {
  const gw = await startGateway({ config: config(extra) });
  gateways.push(gw);
  const admin = (p, body) => (body === undefined
    ? request(`${gw.url}${p}`, { headers: { authorization: `Bearer ${MASTER}` } })
    : postJSON(`${gw.url}${p}`, body, { headers: { authorization: `Bearer ${MASTER}` } }));
  const generate = async (body) => {
    const res = await admin('/key/generate', body);
    assert.equal(res.status, 200, res.text);
    return res.json.key;
  };
  const chat = (key, model = 'priced', extraBody = {}) => postJSON(`${gw.url}/v1/chat/completions`,
    { model, messages: [{ role: 'user', content: 'Say hello.' }], ...extraBody },
    { headers: { authorization: `Bearer ${key}` } });
  const metric = async (name) => {
    const text = (await request(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${MASTER}` } })).text;
    const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  const logs = async (key) => (await admin(`/spend/logs?api_key=${key}`)).json;
  return { gw, admin, generate, chat, metric, logs };
}

/** Polls fn() until it returns a truthy value, up to ms; returns the last value. */
async function within(ms, fn) {
  const end = Date.now() + ms;
  let v;
  do {
    v = await fn();
    if (v) return v;
    await sleep(50);
  } while (Date.now() < end);
  return v;
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-budget-'));
  fs.writeFileSync(path.join(dir, 'prices.json'), JSON.stringify(PRICES));
  up = await startScriptedUpstream(async (socket, req) => {
    const body = JSON.parse(req.body);
    if (body.model === 'broken-model') {
      const text = '{"error":{"message":"down","type":"server_error","param":null,"code":null}}';
      socket.write(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
      return;
    }
    const content = body.messages?.[0]?.content;
    if (!body.stream) answer(socket, body);
    else if (content === 'hang') await stream(socket, body, 10_000, 20);
    else await stream(socket, body, 50, content === 'slow' ? 5 : 0);
  });
});

after(async () => {
  for (const gw of gateways) await gw.stop();
  await up?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('costs', () => {
  let g;
  before(async () => { g = await gateway(); });

  test('x-llmgw-cost is the price table\'s figure, exactly, and so is the ledger row', async () => {
    const key = await g.generate({ key_alias: 'cost' });
    const res = await g.chat(key);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-cost'), COST);
    const id = res.headers.get('x-llmgw-request-id');
    const rows = await within(3000, async () => (await g.logs(key))?.find((r) => r.request_id === id));
    assert.ok(rows, 'ledger row written');
    assert.equal(Math.round(rows.spend * 1e6), Math.round(Number(COST) * 1e6));
    assert.equal(rows.prompt_tokens, 1000);
    assert.equal(rows.cached_read_tokens, 200);
  });

  test('a deployment\'s own price wins over the table\'s', async () => {
    const res = await g.chat(MASTER, 'override');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-cost'), OVERRIDE_COST);
  });

  test('a stream carries no cost header (its cost ends the stream: stream-cost.test.mjs); its ledger row has the cost of its usage', async () => {
    const key = await g.generate({ key_alias: 'stream-cost' });
    const s = await postStream(`${g.gw.url}/v1/chat/completions`,
      { model: 'priced', stream: true, messages: [{ role: 'user', content: 'go' }] },
      { headers: { authorization: `Bearer ${key}` } });
    assert.equal(s.status, 200);
    assert.equal(s.headers.get('x-llmgw-cost'), null);
    assert.equal(s.data.at(-1), '[DONE]');
    const row = await within(3000, async () => (await g.logs(key))?.[0]);
    assert.ok(row);
    assert.equal(Math.round(row.spend * 1e6), Math.round(Number(COST) * 1e6));
  });
});

describe('budgets', () => {
  let g;
  before(async () => { g = await gateway(); });

  test('the call that crosses the budget succeeds, every later one is refused until the period resets', async () => {
    // $0.005: calls of $0.0019 → 0, 0.0019, 0.0038 admitted (the third crosses), then refused.
    const key = await g.generate({ key_alias: 'budgeted', max_budget: 0.005, budget_duration: '5s' });
    for (let i = 0; i < 3; ++i) assert.equal((await g.chat(key)).status, 200, `call ${i + 1}`);
    for (let i = 0; i < 3; ++i) {
      const res = await g.chat(key);
      assert.equal(res.status, 429, res.text);
      assert.equal(res.json.error.code, 'budget_exceeded');
      assert.match(res.json.error.message, /budget of \$0\.005 per 5s/);
      assert.match(res.json.error.message, /resets at \d{4}-\d\d-\d\dT/);
    }
    // The Anthropic route is held to the same budget.
    const m = await postJSON(`${g.gw.url}/v1/messages`,
      { model: 'priced', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' } });
    assert.equal(m.status, 429, m.text);
    assert.equal(m.json.type, 'error');
    // The period resets: admitted again.
    const status = await within(8000, async () => ((await g.chat(key)).status === 200 ? 200 : 0));
    assert.equal(status, 200);
    const info = await within(3000, async () => {
      const i = await g.admin(`/key/info?key=${key}`);
      return i.json.info.spend < 0.005 ? i : null;
    });
    assert.ok(info, 'the stored spend was reset');
  });

  test('a cancelled stream and a failed-over call leave no reservation behind, and are charged once', async () => {
    const key = await g.generate({ key_alias: 'leaks', max_budget: 1 });
    const taken0 = await g.metric('llmgw_budget_reservations_total');
    // A stream the client leaves after a few events.
    const ac = new AbortController();
    const res = await fetch(`${g.gw.url}/v1/chat/completions`, {
      method: 'POST', signal: ac.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'priced', stream: true, messages: [{ role: 'user', content: 'hang' }] }),
    });
    assert.equal(res.status, 200);
    const reader = res.body.getReader();
    await reader.read();
    await sleep(100);
    ac.abort();
    // A call whose first deployment fails: it fails over.
    const fo = await g.chat(key, 'failover');
    assert.equal(fo.status, 200, fo.text);
    assert.equal(fo.headers.get('x-llmgw-attempts'), '2');
    assert.equal(fo.headers.get('x-llmgw-deployment'), 'fo-good');
    assert.equal(fo.headers.get('x-llmgw-cost'), COST);
    const settled = await within(3000, async () => {
      const taken = await g.metric('llmgw_budget_reservations_total');
      const done = await g.metric('llmgw_budget_reservations_settled_total');
      return taken - taken0 === 2 && done === taken ? done : 0;
    });
    assert.ok(settled, 'every reservation taken was settled');
    const rows = await within(3000, async () => {
      const r = await g.logs(key);
      return r?.length === 2 ? r : null;
    });
    assert.ok(rows, 'one ledger row per call');
    const cancelled = rows.find((r) => r.model === 'priced');
    // Charged what it streamed: the prompt estimate and one output token per event relayed.
    assert.ok(cancelled.spend > 0 && cancelled.completion_tokens > 0, JSON.stringify(cancelled));
    assert.equal(Math.round(rows.find((r) => r.model === 'failover').spend * 1e6), Math.round(Number(COST) * 1e6));
  });
});

describe('budget_enforcement', () => {
  // pricey-model: $100 per 1M output tokens; a $0.001 budget is crossed after ~10 events.
  const body = (stream) => ({ model: 'pricey', stream, messages: [{ role: 'user', content: 'slow' }] });

  test('default: a stream that crosses the budget finishes', async () => {
    const g = await gateway();
    const key = await g.generate({ max_budget: 0.001 });
    const s = await postStream(`${g.gw.url}/v1/chat/completions`, body(true), { headers: { authorization: `Bearer ${key}` } });
    assert.equal(s.status, 200);
    assert.equal(s.data.filter((d) => d.includes('tok ')).length, 50);
    assert.equal(s.data.at(-1), '[DONE]');
    assert.equal((await g.chat(key, 'pricey')).status, 429);  // over budget afterwards
  });

  test('cut: the stream ends at the next event with a budget_exceeded error (OpenAI and Anthropic clients)', async () => {
    const g = await gateway({ budget_enforcement: 'cut' });
    const key = await g.generate({ max_budget: 0.001 });
    const s = await postStream(`${g.gw.url}/v1/chat/completions`, body(true), { headers: { authorization: `Bearer ${key}` } });
    assert.equal(s.status, 200);
    const content = s.data.filter((d) => d.includes('tok ')).length;
    assert.ok(content > 0 && content < 15, `${content} content events`);
    const last = s.events.at(-1).json;
    assert.equal(last?.error?.code, 'budget_exceeded', s.data.at(-1));
    assert.match(last.error.message, /budget_enforcement: cut/);

    const key2 = await g.generate({ max_budget: 0.001 });
    const a = await postStream(`${g.gw.url}/v1/messages`,
      { model: 'pricey', stream: true, max_tokens: 100, messages: [{ role: 'user', content: 'slow' }] },
      { headers: { 'x-api-key': key2, 'anthropic-version': '2023-06-01' } });
    assert.equal(a.status, 200);
    const deltas = a.events.filter((e) => /^event: content_block_delta/m.test(e.raw)).length;
    assert.ok(deltas > 0 && deltas < 15, `${deltas} deltas`);
    const end = a.events.at(-1);
    assert.match(end.raw, /^event: error/m);
    assert.equal(end.json?.error?.type, 'rate_limit_error');
    assert.match(end.json.error.message, /budget/);
    // The cut calls were charged (what they streamed): both keys are now refused.
    assert.equal((await within(3000, async () => ((await g.chat(key, 'pricey')).status === 429 ? 429 : 0))), 429);
    // The upstream was not read to its end: the next call on the pool works normally.
    assert.equal((await g.chat(MASTER, 'priced')).status, 200);
  });
});
