// Hot reload (issue 12, operations): SIGHUP and POST /admin/reload re-read the config file and
// swap aliases, deployments and fallbacks at once; a stream opened before the swap finishes on
// the deployment it started on with every event; a broken config is refused (400 naming the
// error) and the running one keeps serving; only the master key may reload.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { MOCK_TEXT, startOpenAIMock } from '../mocks/openai-mock.mjs';
import { HAVE_REDIS, redisCommand, startRedis } from './lib/redis-server.mjs';
import {
  deployment, errorOf, gatewayConfig, postJSON, readSSE, request, startGateway, toYaml, UPSTREAM_KEY, USER_HELLO,
} from './lib/gateway.mjs';

const MASTER = 'sk-master-reload-test-91c7';
const auth = { authorization: `Bearer ${MASTER}` };

let mock1;
let mock2;

before(async () => {
  mock1 = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  mock2 = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
});
after(async () => {
  await mock1?.close();
  await mock2?.close();
});

const configOf = (deployments, extra = {}) => ({ ...gatewayConfig({ masterKey: MASTER, deployments }), ...extra });
const chat = (gw, model, extra = {}) => postJSON(`${gw.url}/v1/chat/completions`,
  { model, messages: [USER_HELLO], ...extra }, { headers: auth });
const rewrite = (gw, config) => fs.writeFileSync(gw.configFile, typeof config === 'string' ? config : `${toYaml(config)}\n`);

/** The aliases GET /v1/models lists. */
async function aliases(gw) {
  const res = await request(`${gw.url}/v1/models`, { headers: auth });
  assert.equal(res.status, 200, res.text);
  return res.json.data.map((m) => m.id).sort();
}

/** Waits until GET /v1/models lists exactly `want` (the reload is asynchronous to SIGHUP). */
async function untilAliases(gw, want, ms = 10_000) {
  const end = performance.now() + ms;
  for (;;) {
    const got = await aliases(gw);
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    if (performance.now() > end) assert.fail(`aliases still ${JSON.stringify(got)}, want ${JSON.stringify(want)}\n${gw.logs()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('SIGHUP swaps routing; a stream opened before finishes on the old deployment with every event', async () => {
  mock1.reset();
  mock2.reset();
  const gw = await startGateway({ config: configOf([deployment({ alias: 'A', upstream: mock1.url })]) });
  try {
    assert.deepEqual(await aliases(gw), ['A']);
    // A stream that takes a while: ~15 events 120 ms apart, on mock 1.
    mock1.enqueue({ streamDelayMs: 120 });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ model: 'A', messages: [USER_HELLO], stream: true }),
    });
    assert.equal(res.status, 200);
    const events = [];
    const it = readSSE(res.body);
    const first = await it.next();
    events.push(first.value);

    // The new config: A on mock 2, and a new alias B.
    rewrite(gw, configOf([deployment({ alias: 'A', upstream: mock2.url }), deployment({ alias: 'B', upstream: mock2.url })]));
    gw.proc.kill('SIGHUP');
    await untilAliases(gw, ['A', 'B']);
    assert.equal(mock1.requests[0].finished, false, 'the stream was still running at the swap');

    // New calls: A goes to mock 2, B works (on mock 2); mock 1 gets nothing more.
    const a = await chat(gw, 'A');
    assert.equal(a.status, 200, a.text);
    const b = await chat(gw, 'B');
    assert.equal(b.status, 200, b.text);
    assert.equal(b.json.choices[0].message.content, MOCK_TEXT);
    assert.equal(mock2.requests.length, 2);
    assert.deepEqual(mock2.requests.map((r) => r.json.model), ['gpt-4o-mini', 'gpt-4o-mini']);

    // The old stream ends whole, every event from mock 1, then [DONE].
    for (let e = await it.next(); !e.done; e = await it.next()) events.push(e.value);
    assert.equal(mock1.requests.length, 1);
    assert.equal(events.length, mock1.requests[0].eventsSent, 'every event the upstream sent reached the client');
    assert.equal(events.at(-1).data, '[DONE]');
    assert.ok(events.every((e) => !e.incomplete));
    const text = events.filter((e) => e.json).map((e) => e.json.choices?.[0]?.delta?.content ?? '').join('');
    assert.equal(text, MOCK_TEXT);

    // A broken config on SIGHUP: refused with its error in the log; A and B keep serving.
    rewrite(gw, 'model_list:\n  - model_name: [A\n');
    gw.proc.kill('SIGHUP');
    const end = performance.now() + 5000;
    while (!/reload refused/.test(gw.logs()) && performance.now() < end) await new Promise((r) => setTimeout(r, 25));
    assert.match(gw.logs(), /error .*reload refused, the running config stays: .*llmgw\.yaml:\d+: invalid YAML/);
    assert.deepEqual(await aliases(gw), ['A', 'B']);
    assert.equal((await chat(gw, 'A')).status, 200);
    assert.equal(mock2.requests.length, 3);
    assert.equal(mock1.requests.length, 1);
  } finally {
    await gw.stop();
  }
});

test('POST /admin/reload: master key only; a broken config is a 400 and the old one keeps serving', async () => {
  mock1.reset();
  mock2.reset();
  const gw = await startGateway({ config: configOf([deployment({ alias: 'A', upstream: mock1.url })]) });
  const reload = (headers) => request(`${gw.url}/admin/reload`, { method: 'POST', headers });
  try {
    // Refused: no key, a wrong key (401); nothing is reloaded.
    rewrite(gw, configOf([deployment({ alias: 'A', upstream: mock2.url }), deployment({ alias: 'B', upstream: mock2.url })]));
    for (const headers of [{}, { authorization: 'Bearer sk-not-the-master-key' }]) {
      const res = await reload(headers);
      assert.equal(res.status, 401, res.text);
      assert.equal(errorOf(res).type, 'invalid_request_error');
    }
    assert.deepEqual(await aliases(gw), ['A']);

    // The master key: 200, with what changed.
    const ok = await reload(auth);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.reloaded, true);
    assert.equal(ok.json.config, gw.configFile);
    assert.deepEqual(ok.json.aliases, { added: ['B'], removed: [], changed: ['A'] });
    assert.deepEqual(ok.json.deployments, { added: ['B#0'], removed: [], changed: ['A#0'] });
    assert.deepEqual(ok.json.restart_needed, []);
    assert.deepEqual(await aliases(gw), ['A', 'B']);
    assert.equal((await chat(gw, 'A')).status, 200);
    assert.equal(mock2.requests.length, 1);

    // Broken configs: each refused with its error; A and B still serve on mock 2.
    const broken = [
      ['model_list:\n  - model_name: A\n    litellm_params: [unclosed\n', /llmgw\.yaml:\d+/],
      [toYaml(configOf([deployment({ alias: 'C', upstream: mock1.url, extra: { timeout: 'soon' } })])), /timeout/],
      [toYaml({ ...configOf([deployment({ alias: 'C', upstream: mock1.url })]),
        plugins: { load: ['provider-openai', 'no-such-plugin-xyz'] } }), /no-such-plugin-xyz/],
      // strict_config refuses a deployment it cannot serve (without it, that is a warning).
      [toYaml(configOf([deployment({ alias: 'C', upstream: mock1.url }), { model_name: 'D', litellm_params: { model: 'openai/' } }],
        { server: { strict_config: true } })), /strict_config.*the model is empty/],
    ];
    for (const [text, why] of broken) {
      rewrite(gw, `${text}\n`);
      const res = await reload(auth);
      assert.equal(res.status, 400, res.text);
      const e = errorOf(res);
      assert.equal(e.code, 'config_invalid');
      assert.match(e.message, why);
      assert.match(e.message, /not reloaded/);
    }
    assert.deepEqual(await aliases(gw), ['A', 'B']);
    const a = await chat(gw, 'A');
    assert.equal(a.status, 200, a.text);
    assert.equal((await chat(gw, 'C')).status, 404);
    assert.equal(mock1.requests.length, 0);
    assert.equal(mock2.requests.length, 2);

    // What a running process cannot take is named, not applied in part.
    rewrite(gw, configOf([deployment({ alias: 'A', upstream: mock2.url })], { server: { event_loops: 3 } }));
    const restart = await reload(auth);
    assert.equal(restart.status, 200, restart.text);
    assert.deepEqual(restart.json.restart_needed, ['server.event_loops']);
    assert.deepEqual(restart.json.aliases.removed, ['B']);
    // The log says it too (written asynchronously: it may follow the answer).
    const end = performance.now() + 5000;
    while (!/restart needed for: server\.event_loops/.test(gw.logs()) && performance.now() < end)
      await new Promise((r) => setTimeout(r, 25));
    assert.match(gw.logs(), /restart needed for: server\.event_loops/);
  } finally {
    await gw.stop();
  }
});

test('with a database: a virtual key may not reload (403); the price file needs a restart', async () => {
  const dbDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-reload-db-'));
  const config = configOf([deployment({ alias: 'A', upstream: mock1.url })]);
  config.general_settings.database_url = `sqlite://${path.join(dbDir, 'llmgw.db')}`;
  const gw = await startGateway({ config });
  const reload = (key) => request(`${gw.url}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${key}` } });
  try {
    const generated = await postJSON(`${gw.url}/key/generate`, {}, { headers: auth });
    assert.equal(generated.status, 200, generated.text);
    const refused = await reload(generated.json.key);
    assert.equal(refused.status, 403, refused.text);
    assert.match(errorOf(refused).message, /master key/);

    config.general_settings.model_prices = path.join(dbDir, 'prices.json');
    fs.writeFileSync(path.join(dbDir, 'prices.json'), '{}');
    rewrite(gw, config);
    const ok = await reload(MASTER);
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json.restart_needed, ['general_settings.model_prices']);
    assert.equal((await chat(gw, 'A')).status, 200);
  } finally {
    await gw.stop();
    fs.rmSync(dbDir, { recursive: true, force: true });
  }
});

test('a reload swaps guardrails and sinks too; the retired sink flushes what it took', async () => {
  mock1.reset();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-reload-'));
  const logFile = path.join(logDir, 'requests.jsonl');
  const plain = configOf([deployment({ alias: 'A', upstream: mock1.url })]);
  const guarded = {
    ...plain,
    plugins: { dirs: plain.plugins.dirs, load: ['provider-openai',
      { path: 'guardrail-pii', config: { detectors: { us_ssn: 'block' } } },
      { path: 'sink-request-log', config: { path: logFile } }] },
    guardrails: [{ plugin: 'guardrail-pii' }],
    sinks: ['sink-request-log'],
  };
  const gw = await startGateway({ config: plain });
  const reload = () => request(`${gw.url}/admin/reload`, { method: 'POST', headers: auth });
  const ssn = { messages: [{ role: 'user', content: 'my ssn is 123-45-6789' }] };
  const metrics = async () => (await request(`${gw.url}/metrics`, { headers: auth })).text;
  try {
    assert.equal((await chat(gw, 'A', ssn)).status, 200);  // no guardrail yet
    assert.doesNotMatch(await metrics(), /sink="sink-request-log"/);

    // A guardrail whose config its schema refuses: 400, nothing changes.
    rewrite(gw, { ...guarded, plugins: { ...guarded.plugins, load: ['provider-openai',
      { path: 'guardrail-pii', config: { detectors: { us_ssn: 'explode' } } }, { path: 'sink-request-log', config: { path: logFile } }] } });
    const bad = await reload();
    assert.equal(bad.status, 400, bad.text);
    assert.match(errorOf(bad).message, /us_ssn/);
    assert.equal((await chat(gw, 'A', ssn)).status, 200);

    rewrite(gw, guarded);
    const on = await reload();
    assert.equal(on.status, 200, on.text);
    assert.equal(on.json.guardrails, true);
    assert.equal(on.json.sinks, true);
    assert.equal(on.json.plugins, true);
    const blocked = await chat(gw, 'A', ssn);
    assert.equal(blocked.status, 400, blocked.text);
    assert.match(errorOf(blocked).message, /guardrail-pii: detector us_ssn/);
    const sent = mock1.requests.length;
    for (let i = 0; i < 3; i++) assert.equal((await chat(gw, 'A')).status, 200);
    assert.equal(mock1.requests.length, sent + 3);
    assert.match(await metrics(), /llmgw_sink_emitted_total\{sink="sink-request-log"\} \d+/);

    // Back to no guardrail and no sink: the SSN passes again, and the retired sink wrote every
    // event it was given (4: the blocked call and three answered) before it stopped.
    rewrite(gw, plain);
    const off = await reload();
    assert.equal(off.status, 200, off.text);
    assert.equal(off.json.guardrails, true);
    assert.equal((await chat(gw, 'A', ssn)).status, 200);
    assert.doesNotMatch(await metrics(), /sink="sink-request-log"/);
    const end = performance.now() + 5000;
    let lines = [];
    while (performance.now() < end) {
      lines = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : [];
      if (lines.length >= 4) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(lines.length, 4, lines.join('\n'));
    assert.deepEqual(lines.map((l) => JSON.parse(l).status).sort(), [200, 200, 200, 400]);
  } finally {
    await gw.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
});

test('the Redis sync follows the reloaded deployments: a cooldown set elsewhere holds on a deployment the reload added',
  { skip: HAVE_REDIS ? false : 'redis-server is not on the PATH' }, async () => {
    mock1.reset();
    mock2.reset();
    const redis = await startRedis();
    const dep = (id, upstream) => ({ ...deployment({ alias: 'pool', upstream }), model_info: { id } });
    const withRedis = (deployments) => ({
      ...configOf(deployments),
      router_settings: { allowed_fails: 1, cooldown_time: 120, redis_host: '127.0.0.1', redis_port: redis.port },
    });
    const both = withRedis([dep('d1', mock1.url), dep('d2', mock2.url)]);
    const a = await startGateway({ config: withRedis([dep('d2', mock2.url)]) });  // d1 comes with the reload
    const b = await startGateway({ config: both });
    try {
      rewrite(a, both);
      const ok = await request(`${a.url}/admin/reload`, { method: 'POST', headers: auth });
      assert.equal(ok.status, 200, ok.text);
      assert.deepEqual(ok.json.deployments.added, ['d1']);
      // d1 fails once through B (allowed_fails: 1): cooled, shared through Redis.
      mock1.enqueue({ status: 500, times: 1 });
      for (let i = 0; i < 40 && mock1.requests.length === 0; i++) assert.equal((await chat(b, 'pool')).status, 200);
      assert.equal(mock1.requests.length, 1);
      const end = performance.now() + 3000;
      while (!(await redisCommand(redis.port, 'KEYS', 'llmgw:cooldown:d1')).length && performance.now() < end)
        await new Promise((r) => setTimeout(r, 25));
      await new Promise((r) => setTimeout(r, 300));  // a few rounds of A's (new) sync
      for (let i = 0; i < 20; i++) {
        const res = await chat(a, 'pool');
        assert.equal(res.status, 200, res.text);
        assert.equal(res.headers.get('x-llmgw-deployment'), 'd2', 'A skips d1: its sync imported the cooldown');
      }
      assert.equal(mock1.requests.length, 1);
    } finally {
      await a.stop();
      await b.stop();
      await redis.kill();
    }
  });

test('a reload keeps a sink whose entry did not change (its counters go on); a changed one is replaced', async () => {
  mock1.reset();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-reload-keep-'));
  const logFile = path.join(logDir, 'requests.jsonl');
  const otherFile = path.join(logDir, 'other.jsonl');
  const withSink = (deployments, sinkConfig, moreLoad = []) => {
    const base = configOf(deployments);
    return { ...base, plugins: { dirs: base.plugins.dirs,
      load: ['provider-openai', { path: 'sink-request-log', config: sinkConfig }, ...moreLoad] },
    sinks: ['sink-request-log'] };
  };
  const one = withSink([deployment({ alias: 'A', upstream: mock1.url })], { path: logFile });
  const gw = await startGateway({ config: one });
  const reload = () => request(`${gw.url}/admin/reload`, { method: 'POST', headers: auth });
  const emitted = async () => {
    const text = (await request(`${gw.url}/metrics`, { headers: auth })).text;
    const m = /llmgw_sink_emitted_total\{sink="sink-request-log"\} (\d+)/.exec(text);
    assert.ok(m, text);
    return Number(m[1]);
  };
  /** Waits until the sink has emitted `n` events (its thread runs apart from the request). */
  const untilEmitted = async (n) => {
    const end = performance.now() + 5000;
    let got;
    while ((got = await emitted()) < n && performance.now() < end) await new Promise((r) => setTimeout(r, 25));
    assert.equal(got, n);
  };
  const linesOf = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);
  try {
    for (let i = 0; i < 3; i++) assert.equal((await chat(gw, 'A')).status, 200);
    await untilEmitted(3);

    // Another deployment, the same sink entry: the sink is kept, its count goes on from 3.
    rewrite(gw, withSink([deployment({ alias: 'A', upstream: mock1.url }), deployment({ alias: 'B', upstream: mock2.url })],
      { path: logFile }));
    const kept = await reload();
    assert.equal(kept.status, 200, kept.text);
    assert.equal(kept.json.sinks, false);  // the sinks: section did not change
    assert.equal((await chat(gw, 'B')).status, 200);
    await untilEmitted(4);
    assert.equal(linesOf(logFile).length, 4);

    // Another plugin's config: changed (a plugin no sink runs): every sink is kept, and the
    // answer says no sink changed.
    rewrite(gw, withSink([deployment({ alias: 'A', upstream: mock1.url }), deployment({ alias: 'B', upstream: mock2.url })],
      { path: logFile }, [{ path: 'guardrail-pii', config: { detectors: { us_ssn: 'block' } } }]));
    const otherPlugin = await reload();
    assert.equal(otherPlugin.status, 200, otherPlugin.text);
    assert.equal(otherPlugin.json.plugins, true, otherPlugin.text);
    assert.equal(otherPlugin.json.sinks, false, otherPlugin.text);
    assert.equal((await chat(gw, 'A')).status, 200);
    await untilEmitted(5);  // the same sink: its count goes on
    assert.equal(linesOf(logFile).length, 5);

    // The sink's config changed: a new sink (its count starts again), the old one flushed and closed.
    rewrite(gw, withSink([deployment({ alias: 'A', upstream: mock1.url })], { path: otherFile }));
    const replaced = await reload();
    assert.equal(replaced.status, 200, replaced.text);
    assert.equal(replaced.json.plugins, true);
    assert.equal(replaced.json.sinks, true, replaced.text);
    assert.equal((await chat(gw, 'A')).status, 200);
    await untilEmitted(1);
    assert.equal(linesOf(logFile).length, 5);  // the retired sink got nothing more
    const end = performance.now() + 5000;
    while (linesOf(otherFile).length < 1 && performance.now() < end) await new Promise((r) => setTimeout(r, 25));
    assert.equal(linesOf(otherFile).length, 1);
  } finally {
    await gw.stop();
    fs.rmSync(logDir, { recursive: true, force: true });
  }
});
