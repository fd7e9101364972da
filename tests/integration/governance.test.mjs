// Governance through the real binary: the admin API (master key only) issues virtual keys on a
// SQLite database; the keys call the OpenAI and Anthropic routes; a model outside a key's list,
// a blocked, deleted, wrong or expired key is refused; spend reaches the ledger and /key/info,
// /spend/logs and /spend/report; the key never appears in the gateway's logs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import {
  ANTHROPIC_UPSTREAM_KEY, REPO_ROOT, UPSTREAM_KEY, anthropicDeployment, deployment, gatewayConfig, postJSON, request,
  startGateway } from './lib/gateway.mjs';

const MASTER = 'sk-gw-master-governance-3f9a1c7e';
let openai;
let anthropic;
let gw;
let dbDir;
const issued = [];

const admin = (p, body) => (body === undefined
  ? request(`${gw.url}${p}`, { headers: { authorization: `Bearer ${MASTER}` } })
  : postJSON(`${gw.url}${p}`, body, { headers: { authorization: `Bearer ${MASTER}` } }));
const chat = (key, model = 'gpt-4o-mini') => postJSON(`${gw.url}/v1/chat/completions`,
  { model, messages: [{ role: 'user', content: 'Say hello.' }] }, { headers: { authorization: `Bearer ${key}` } });
const messages = (key) => postJSON(`${gw.url}/v1/messages`,
  { model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello.' }] },
  { headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' } });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns the expected status, up to `ms`; returns the last status. */
async function statusWithin(ms, fn, want) {
  const end = Date.now() + ms;
  let status;
  do {
    status = (await fn()).status;
    if (status === want) return status;
    await sleep(50);
  } while (Date.now() < end);
  return status;
}

async function generate(body) {
  const res = await admin('/key/generate', body);
  assert.equal(res.status, 200, res.text);
  assert.match(res.json.key, /^sk-[A-Za-z0-9_-]{43}$/);
  assert.match(res.json.token, /^[0-9a-f]{64}$/);
  issued.push(res.json.key);
  return res.json;
}

before(async () => {
  openai = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  anthropic = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
  dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-gov-'));
  const config = gatewayConfig({
    masterKey: MASTER,
    server: { max_body_bytes: 64 * 1024 },
    deployments: [
      deployment({ alias: 'gpt-4o-mini', model: 'gpt-4o-mini', upstream: openai.url }),
      deployment({ alias: 'gpt-4o', model: 'gpt-4o', upstream: openai.url }),
      anthropicDeployment({ alias: 'claude-sonnet-4-5', upstream: anthropic.url }),
    ],
  });
  config.general_settings.database_url = `sqlite://${path.join(dbDir, 'llmgw.db')}`;
  config.general_settings.model_prices = path.join(REPO_ROOT, 'config/model_prices.json');
  gw = await startGateway({ config, logLevel: 'info' });
});

after(async () => {
  await gw?.stop();
  await openai?.close();
  await anthropic?.close();
  if (dbDir) fs.rmSync(dbDir, { recursive: true, force: true });
});

describe('admin API', () => {
  test('needs the master key: none or a wrong one 401, a virtual key 403', async () => {
    assert.equal((await request(`${gw.url}/key/list`)).status, 401);
    assert.equal((await request(`${gw.url}/key/list`, { headers: { authorization: 'Bearer sk-wrong' } })).status, 401);
    const k = await generate({ key_alias: 'not-an-admin' });
    const res = await request(`${gw.url}/key/list`, { headers: { authorization: `Bearer ${k.key}` } });
    assert.equal(res.status, 403);
    assert.equal(typeof res.json.error.message, 'string');
  });

  test('validates its input: types, ranges, unknown team 400, unknown key 404, bad JSON 400', async () => {
    for (const body of [{ max_budget: 'ten' }, { rpm_limit: -1 }, { models: 'gpt-4o' }, { budget_duration: 'often' },
      { duration: 'forever' }, { metadata: [1] }, { team_id: 'no-such-team' }]) {
      const res = await admin('/key/generate', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.error.type, 'invalid_request_error');
    }
    assert.equal((await admin('/key/info?key=sk-none')).status, 404);
    assert.equal((await admin('/key/block', { key: 'sk-none' })).status, 404);
    assert.equal((await admin('/key/delete', { keys: ['sk-none'] })).status, 404);
    assert.equal((await admin('/key/delete', { keys: [] })).status, 400);
    assert.equal((await admin('/team/info?team_id=none')).status, 404);
    assert.equal((await admin('/spend/logs?start_date=yesterday')).status, 400);
    assert.equal((await admin('/spend/report?group_by=planet')).status, 400);
    assert.equal((await admin('/key/generate', '{"key_alias":')).status, 400);
    assert.equal((await admin('/key/generate', '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[')).status, 400);
    assert.equal((await admin('/key/generate', 'x'.repeat(100 * 1024))).status, 413);
  });

  test('keys call both routes, limited to their models; block, unblock, delete take effect within a second', async () => {
    const team = await admin('/team/new', { team_alias: 'eng', max_budget: 100, budget_duration: 'monthly' });
    assert.equal(team.status, 200, team.text);
    assert.match(team.json.team_id, /.+/);
    const inTeam = await generate({ key_alias: 'in-team', team_id: team.json.team_id });
    const onlyMini = await generate({ key_alias: 'mini-only', models: ['gpt-4o-mini'], max_budget: 5, budget_duration: '30d' });
    const plain = await generate({ key_alias: 'plain', metadata: { owner: 'ops' } });
    assert.equal(onlyMini.max_budget, 5);
    assert.equal(onlyMini.budget_duration, '30d');

    assert.equal((await chat(plain.key)).status, 200);
    assert.equal((await chat(inTeam.key)).status, 200);
    const m = await messages(plain.key);
    assert.equal(m.status, 200, m.text);
    assert.equal((await chat(onlyMini.key, 'gpt-4o-mini')).status, 200);
    assert.equal((await chat(onlyMini.key, 'gpt-4o')).status, 403);

    const info = await admin(`/team/info?team_id=${team.json.team_id}`);
    assert.equal(info.status, 200);
    assert.deepEqual(info.json.keys.map((k) => k.token), [inTeam.token]);

    assert.equal((await admin('/key/block', { key: plain.key })).status, 200);
    assert.equal(await statusWithin(1000, () => chat(plain.key), 403), 403);
    assert.equal((await admin('/key/unblock', { key: plain.token })).status, 200);
    assert.equal(await statusWithin(1000, () => chat(plain.key), 200), 200);

    const upd = await admin('/key/update', { key: plain.key, models: ['gpt-4o'] });
    assert.equal(upd.status, 200, upd.text);
    assert.equal(await statusWithin(1000, () => chat(plain.key, 'gpt-4o-mini'), 403), 403);

    const del = await admin('/key/delete', { keys: [inTeam.key] });
    assert.equal(del.status, 200);
    assert.deepEqual(del.json.deleted_keys, [inTeam.token]);
    assert.equal(await statusWithin(1000, () => chat(inTeam.key), 401), 401);
    assert.equal((await admin(`/key/info?key=${inTeam.key}`)).status, 404);
    assert.equal((await chat('sk-this-is-not-a-key')).status, 401);
  });

  test('an expired key is refused with 401', async () => {
    const k = await generate({ key_alias: 'short', duration: '2s' });
    assert.ok(Math.abs(Date.parse(k.expires) - (Date.now() + 2000)) < 1000, k.expires);
    assert.equal((await chat(k.key)).status, 200);
    await sleep(2200);
    assert.equal((await chat(k.key)).status, 401);
  });

  test('spend reaches /key/info, /spend/logs and /spend/report', async () => {
    const k = await generate({ key_alias: 'spender' });
    assert.equal((await chat(k.key)).status, 200);
    assert.equal((await chat(k.key)).status, 200);
    // The writer may commit the two rows in separate batches: wait for both.
    let logs;
    const end = Date.now() + 3000;
    while (Date.now() < end) {
      logs = await admin(`/spend/logs?api_key=${k.key}`);
      if (logs.json?.length === 2) break;
      await sleep(100);
    }
    const info = await admin(`/key/info?key=${k.key}`);
    assert.equal(info.status, 200);
    assert.equal(info.json.key, k.token);
    assert.equal(info.json.info.token, k.token);
    const spend = info.json.info.spend;
    assert.ok(spend > 0, `spend ${spend}`);
    assert.equal(logs.status, 200);
    assert.equal(logs.json.length, 2);
    for (const row of logs.json) {
      assert.equal(row.api_key, k.token);
      assert.equal(row.model, 'gpt-4o-mini');
      assert.ok(row.prompt_tokens > 0 && row.completion_tokens > 0, JSON.stringify(row));
      assert.equal(row.total_tokens, row.prompt_tokens + row.completion_tokens);
      assert.ok(row.spend > 0);
    }
    const sum = logs.json.reduce((s, r) => s + r.spend, 0);
    assert.ok(Math.abs(sum - spend) < 1e-9, `${sum} vs ${spend}`);
    const report = await admin('/spend/report?group_by=api_key');
    assert.equal(report.status, 200);
    const mine = report.json.results.find((r) => r.api_key === k.token);
    assert.equal(mine.requests, 2);
  });

  test('lists keys and teams without the keys themselves; no key in the logs', async () => {
    const list = await admin('/key/list?size=1000');
    assert.equal(list.status, 200);
    assert.ok(list.json.keys.length >= issued.length - 1);
    // LiteLLM's shape: keys, total_count, current_page, total_pages.
    assert.equal(list.json.total_count, list.json.keys.length);
    assert.equal(list.json.current_page, 1);
    assert.equal(list.json.total_pages, 1);
    const page2 = await admin('/key/list?size=1&page=2');
    assert.equal(page2.json.keys.length, 1);
    assert.equal(page2.json.current_page, 2);
    assert.equal(page2.json.total_pages, list.json.total_count);
    const teams = await admin('/team/list');
    assert.equal(teams.status, 200);
    assert.ok(teams.json.length >= 1);
    const logs = gw.logs();
    for (const key of issued) {
      assert.ok(!list.text.includes(key), 'a key in /key/list');
      assert.ok(!logs.includes(key), 'a key in the logs');
    }
  });
});
