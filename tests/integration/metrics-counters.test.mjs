// /metrics of a live gateway, counter by counter: spend of a priced deployment, a retry (503 then
// 200 on the same deployment), a fallback (the primary's 500 → the fallback alias) and the
// cooldown that failure starts, each scraped and compared with the exact value the traffic made.
// The counters start at nothing (a fresh gateway), so each value comes from these requests.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { UPSTREAM_KEY, USER_HELLO, deployment, gatewayConfig, postJSON, startGateway } from './lib/gateway.mjs';

const MASTER = 'sk-gw-master-metrics-counters-3c9a1d';
// Round prices: $1 per 1M input tokens, $2 per 1M output.
const PRICES = { 'gpt-4o-mini': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, litellm_provider: 'openai' } };
// What each answering mock reports: 1000 × 1e-6 + 500 × 2e-6 = $0.002 a call.
const USAGE = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500 };
const CALL_USD = 0.002;

let flaky;    // alias flaky: one deployment, 503 then 200 (a retry)
let primary;  // alias primary: 500 (cooled down, then its fallback)
let backup;   // alias backup: the fallback of primary
let priced;   // alias priced: two plain calls
let gw;
let dir;
let key;

const withId = (d, id) => ({ ...d, model_info: { id } });

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-metrics-counters-'));
  fs.writeFileSync(path.join(dir, 'prices.json'), JSON.stringify(PRICES));
  [flaky, primary, backup, priced] = await Promise.all([1, 2, 3, 4].map(() => startOpenAIMock({ apiKey: UPSTREAM_KEY })));
  const cfg = gatewayConfig({
    masterKey: MASTER,
    deployments: [
      withId(deployment({ alias: 'flaky', upstream: flaky.url }), 'flaky-1'),
      withId(deployment({ alias: 'primary', upstream: primary.url }), 'primary-1'),
      withId(deployment({ alias: 'backup', upstream: backup.url }), 'backup-1'),
      withId(deployment({ alias: 'priced', upstream: priced.url }), 'priced-1'),
    ],
  });
  // One retry per alias; one failure of a deployment that has a stand-in cools it for a minute.
  cfg.router_settings = { num_retries: 1, allowed_fails: 1, cooldown_time: 60, fallbacks: [{ primary: ['backup'] }] };
  cfg.general_settings.database_url = `sqlite://${path.join(dir, 'llmgw.db')}`;
  cfg.general_settings.model_prices = path.join(dir, 'prices.json');
  gw = await startGateway({ config: cfg });
  const res = await postJSON(`${gw.url}/key/generate`, { key_alias: 'metrics-counters' },
    { headers: { authorization: `Bearer ${MASTER}` } });
  assert.equal(res.status, 200, res.text);
  key = res.json.key;
});

after(async () => {
  await gw?.stop();
  await Promise.all([flaky, primary, backup, priced].map((m) => m?.close()));
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const chat = (model) => postJSON(`${gw.url}/v1/chat/completions`, { model, messages: [USER_HELLO] },
  { headers: { authorization: `Bearer ${key}` } });

/** Every sample of the exposition text: { name, labels: {…}, value }. */
function samples(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the one series `name` whose labels are exactly `labels`; null when there is none. */
function value(all, name, labels) {
  const found = all.filter((s) => s.name === name && Object.keys(s.labels).length === Object.keys(labels).length &&
    Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  assert.ok(found.length <= 1, `${name} ${JSON.stringify(labels)} appears ${found.length} times`);
  return found.length ? found[0].value : null;
}

/** The sum of every series `name` with `labels` among its labels (0 when none). */
function total(all, name, labels = {}) {
  return all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

test('spend, retries, fallbacks, cooldowns and upstream errors on a live /metrics', async () => {
  flaky.enqueue({ status: 503, body: { error: { message: 'overloaded', type: 'server_error' } } });
  flaky.enqueue({ usage: USAGE });
  primary.enqueue({ status: 500, body: { error: { message: 'boom', type: 'server_error' } } });
  backup.enqueue({ usage: USAGE });
  priced.enqueue({ usage: USAGE, times: 2 });

  const r1 = await chat('flaky');
  assert.equal(r1.status, 200, r1.text);
  assert.equal(flaky.requests.length, 2, 'the 503 was retried on the same deployment');
  const r2 = await chat('primary');
  assert.equal(r2.status, 200, r2.text);
  assert.equal(primary.requests.length, 1, 'the cooled primary is not retried');
  assert.equal(backup.requests.length, 1, 'the fallback answered');
  for (let i = 0; i < 2; i++) assert.equal((await chat('priced')).status, 200);

  // The metrics are recorded at the end of each request (after the answer's last byte): wait
  // until the four requests are in.
  let all = [];
  for (const end = Date.now() + 5000; Date.now() < end;) {
    const res = await fetch(`${gw.url}/metrics`, { headers: { authorization: `Bearer ${MASTER}` } });
    assert.equal(res.status, 200);
    all = samples(await res.text());
    if (total(all, 'llmgw_requests_total') >= 4) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(total(all, 'llmgw_requests_total'), 4, 'four client requests');
  const requests = (alias, dep) => total(all, 'llmgw_requests_total', { alias, deployment: dep, status: '200' });
  assert.equal(requests('flaky', 'flaky-1'), 1);
  assert.equal(requests('primary', 'backup-1'), 1, 'the fallback\'s answer counts for the alias asked for');
  assert.equal(requests('priced', 'priced-1'), 2);

  // Spend: the price table's figure for the usage each answer reported, by alias and deployment.
  const spend = (alias, dep) => value(all, 'llmgw_spend_usd_total', { alias, deployment: dep });
  assert.equal(spend('priced', 'priced-1'), 2 * CALL_USD);
  assert.equal(spend('flaky', 'flaky-1'), CALL_USD);
  assert.equal(spend('primary', 'backup-1'), CALL_USD);
  assert.equal(total(all, 'llmgw_spend_usd_total'), 4 * CALL_USD);

  // Retries: the second attempt on flaky-1; nothing else repeated a deployment.
  assert.equal(value(all, 'llmgw_retries_total', { alias: 'flaky' }), 1);
  assert.equal(total(all, 'llmgw_retries_total'), 1);
  // Fallbacks: one attempt on a fallback alias, labelled with the alias asked for.
  assert.equal(value(all, 'llmgw_fallbacks_total', { alias: 'primary' }), 1);
  assert.equal(total(all, 'llmgw_fallbacks_total'), 1);
  // Cooldowns: primary-1's failure (it has a stand-in); flaky-1 has none, so it is not cooled.
  assert.equal(value(all, 'llmgw_cooldowns_total', { deployment: 'primary-1' }), 1);
  assert.equal(total(all, 'llmgw_cooldowns_total'), 1);
  assert.equal(value(all, 'llmgw_deployment_cooling_down', { deployment: 'primary-1', model: 'primary' }), 1);
  // Upstream errors: the 503 and the 500, one each, by deployment.
  assert.equal(total(all, 'llmgw_upstream_errors_total', { deployment: 'flaky-1' }), 1);
  assert.equal(total(all, 'llmgw_upstream_errors_total', { deployment: 'primary-1' }), 1);
  assert.equal(total(all, 'llmgw_upstream_errors_total'), 2);
  // Tokens: the reported usage of the four answers.
  assert.equal(total(all, 'llmgw_tokens_total', { kind: 'input' }), 4 * USAGE.prompt_tokens);
  assert.equal(total(all, 'llmgw_tokens_total', { kind: 'output' }), 4 * USAGE.completion_tokens);
});
