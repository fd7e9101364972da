// Hostile or broken upstreams, with the real binary and a byte-scripted upstream: every phase of
// an attempt is under a deadline, answers and events have size caps (and memory returns after a
// large one), Retry-After is clamped, a request is never sent upstream twice, and no CR/LF/NUL
// from an upstream reaches a client.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { deployment, errorOf, gatewayConfig, postJSON, readSSE, RELAY_AS_IS, request, startGateway, USER_HELLO } from './lib/gateway.mjs';
import { chatAnswer, chunk, chunkEvent, dripWrite, sleep, startScriptedUpstream, STREAM_HEAD } from './lib/scripted-upstream.mjs';

const open = [];
after(async () => { for (const c of open.reverse()) await c(); });

/** A gateway with one deployment on a scripted upstream; returns { gw, up, chat }. */
async function setup(handler, { timeout = 2, server = { event_loops: 1 }, router = RELAY_AS_IS, extra = {}, deployments } = {}) {
  const up = await startScriptedUpstream(handler);
  const gw = await startGateway({
    config: gatewayConfig({ deployments: deployments ?? [deployment({ upstream: up.url, timeout, extra })], server, router }),
  });
  open.push(() => up.close(), () => gw.stop());
  return { gw, up, chat: `${gw.url}/v1/chat/completions` };
}

const CHAT = { model: 'gpt-4o-mini', messages: [USER_HELLO] };
// Under AddressSanitizer freed memory waits in its quarantine (256 MB by default) instead of
// going back to the system, so RSS says nothing there; the Release build checks it.
const UNDER_ASAN = Boolean(process.env.ASAN_OPTIONS);
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

async function streamCall(url, body = { ...CHAT, stream: true }) {
  const t0 = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const events = [];
  let text = null;
  if (/event-stream/.test(res.headers.get('content-type') ?? '')) {
    try { for await (const e of readSSE(res.body)) events.push(e); } catch { /* cut */ }
  } else text = await res.text();
  return { status: res.status, events, text, ms: performance.now() - t0 };
}

describe('deadlines in every phase of an attempt (timeout: 2 s)', () => {
  test('a response head dripped a byte every 100 ms → 504 at the deadline', async () => {
    const { chat } = await setup((s) => dripWrite(s, chatAnswer(), 100));
    const t0 = performance.now();
    const res = await postJSON(chat, CHAT);
    const ms = performance.now() - t0;
    assert.equal(res.status, 504, res.text);
    assert.ok(ms >= 1800 && ms < 3500, `answered after ${ms} ms`);
  });

  test('an endless stream of 100 Continue → 502 at once (at most 16 interim answers)', async () => {
    const { chat } = await setup(async (s) => {
      while (!s.destroyed) { s.write('HTTP/1.1 100 Continue\r\n\r\n'); await sleep(5); }
    });
    const t0 = performance.now();
    const res = await postJSON(chat, CHAT);
    assert.equal(res.status, 502, res.text);
    assert.ok(performance.now() - t0 < 1500);
  });

  test('a body dripped a byte every 50 ms → 504 at the deadline', async () => {
    const { chat } = await setup(async (s) => {
      const full = chatAnswer();
      const cut = full.indexOf('\r\n\r\n') + 4;
      s.write(full.slice(0, cut));
      await dripWrite(s, full.slice(cut), 50);
    });
    const t0 = performance.now();
    const res = await postJSON(chat, CHAT);
    const ms = performance.now() - t0;
    assert.equal(res.status, 504, res.text);
    assert.ok(ms >= 1800 && ms < 3500, `answered after ${ms} ms`);
  });

  test('a stream that never ends is cut at the attempt\'s timeout with an error event', async () => {
    const { chat } = await setup(async (s) => {
      s.write(STREAM_HEAD);
      while (!s.destroyed) { s.write(chunk(chunkEvent('x'))); await sleep(20); }
    });
    const r = await streamCall(chat);
    assert.equal(r.status, 200);
    assert.ok(r.events.length > 10, 'events flowed before the cut');
    assert.ok(r.ms >= 1800 && r.ms < 3500, `cut after ${r.ms} ms`);
    const last = r.events.filter((e) => e.data !== '[DONE]').at(-1);
    assert.ok(last.json?.error, `the stream ends with an error event: ${last.raw}`);
  });

  test('pings after [DONE] do not keep the attempt open; the next call is served', async () => {
    const { chat, up } = await setup(async (s) => {
      s.write(STREAM_HEAD + chunk(chunkEvent('hi')) + chunk('data: [DONE]\n\n'));
      while (!s.destroyed) { s.write(chunk(': ping\n\n')); await sleep(10); }
    });
    const r = await streamCall(chat);
    assert.equal(r.status, 200);
    assert.equal(r.events.at(-1).data, '[DONE]');
    assert.ok(r.ms < 1000, `the stream took ${r.ms} ms`);
    const again = await streamCall(chat);
    assert.equal(again.events.at(-1).data, '[DONE]');
    assert.equal(up.connections(), 2, 'a connection that kept sending after its end marker is not reused');
  });
});

describe('size caps and memory', () => {
  test('a 300 MB answer → 502 upstream_response_too_large, and RSS returns near its baseline', async () => {
    let calls = 0;
    const { chat, gw } = await setup(async (s) => {
      if (calls++ === 0) return s.write(chatAnswer());  // a warm-up call sets the baseline
      const size = 300 * 1024 * 1024;
      s.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n{"x":"`);
      const block = Buffer.alloc(1024 * 1024, 'a');
      for (let sent = 0; sent < size && !s.destroyed; sent += block.length) {
        if (!s.write(block)) await new Promise((r) => s.once('drain', r).once('close', r));
      }
    }, { timeout: 30 });
    assert.equal((await postJSON(chat, CHAT)).status, 200);
    const baseline = rssKb(gw.proc.pid);
    const res = await postJSON(chat, CHAT);
    assert.equal(res.status, 502, res.text.slice(0, 300));
    assert.equal(errorOf(res).code, 'upstream_response_too_large');
    await sleep(200);
    const afterKb = rssKb(gw.proc.pid);
    if (!UNDER_ASAN) assert.ok(afterKb < baseline + 30 * 1024, `RSS ${baseline} kB → ${afterKb} kB after a 300 MB answer`);
    assert.equal((await request(`${gw.url}/health`)).status, 200);
  });

  test('a 40 MB answer within the cap is relayed, and RSS returns near its baseline after it', async () => {
    const content = 'y'.repeat(40 * 1024 * 1024);
    const answer = chatAnswer(content);
    const { chat, gw } = await setup((s) => { s.write(answer); }, { timeout: 30 });
    await postJSON(chat, { ...CHAT, messages: [{ role: 'user', content: 'warm up' }] });
    const baseline = rssKb(gw.proc.pid);
    const res = await postJSON(chat, CHAT);
    assert.equal(res.status, 200);
    assert.equal(res.json.choices[0].message.content.length, content.length);
    await sleep(200);
    const afterKb = rssKb(gw.proc.pid);
    if (!UNDER_ASAN) assert.ok(afterKb < baseline + 30 * 1024, `RSS ${baseline} kB → ${afterKb} kB after a 40 MB answer`);
  });

  test('a stream event that never ends → classified error before anything is committed', async () => {
    const { chat } = await setup(async (s) => {
      s.write(STREAM_HEAD);
      s.write(chunk(`data: {"x":"${'z'.repeat(3 * 1024 * 1024)}`));
    }, { server: { event_loops: 1, max_stream_event_bytes: '1MB' }, timeout: 10 });
    const r = await streamCall(chat);
    assert.equal(r.status, 502, r.text);
    assert.equal(JSON.parse(r.text).error.code, 'upstream_response_too_large');
  });
});

describe('numbers from upstreams are clamped', () => {
  test('Retry-After: 99999999 is cut to max_retry_after, for the client and for the cooldown', async () => {
    const err = '{"error":{"message":"slow down","type":"requests","code":"rate_limit_exceeded"}}';
    const { chat, gw } = await setup((s) => {
      s.write(`HTTP/1.1 429 Too Many Requests\r\nRetry-After: 99999999\r\nContent-Type: application/json\r\nContent-Length: ${err.length}\r\n\r\n${err}`);
    }, { router: { num_retries: 0, max_retry_after: 2 } });
    const res = await postJSON(chat, CHAT);
    assert.equal(res.status, 429, res.text);
    assert.ok(Number(res.headers.get('retry-after')) <= 2, `Retry-After ${res.headers.get('retry-after')}`);
    const metrics = (await request(`${gw.url}/metrics`)).text;
    assert.match(metrics, /llmgw_deployment_cooling_down\{[^}]*\} 1/);
    await sleep(2300);
    const later = (await request(`${gw.url}/metrics`)).text;
    assert.match(later, /llmgw_deployment_cooling_down\{[^}]*\} 0/, 'the cooldown ended at the clamp');
  });

  test('absurd token counts do not turn counters negative', async () => {
    const body = JSON.stringify({
      id: 'c', object: 'chat.completion', created: 1, model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'x' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9223372036854775807, completion_tokens: 9223372036854775807, total_tokens: 1 },
    });
    const { chat, gw } = await setup((s) => {
      s.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    for (let i = 0; i < 3; i++) assert.equal((await postJSON(chat, CHAT)).status, 200);
    const m = /llmgw_deployment_tokens_this_minute\{[^}]*\} (-?\d+)/.exec((await request(`${gw.url}/metrics`)).text);
    assert.ok(m && Number(m[1]) >= 0, `tokens this minute: ${m?.[1]}`);
  });
});

describe('a request reaches the upstream once', () => {
  test('a pooled connection the upstream closed while idle is noticed before use', async () => {
    const { chat, up } = await setup((s) => {
      s.write(chatAnswer());
      setTimeout(() => s.end(), 50);  // keep-alive advertised, then closed while idle
    });
    assert.equal((await postJSON(chat, CHAT)).status, 200);
    await sleep(300);
    assert.equal((await postJSON(chat, CHAT)).status, 200);
    assert.equal(up.requests.length, 2, 'each call reached the upstream exactly once');
  });

  test('an upstream that took the request and closed without answering gets no second copy', async () => {
    const { chat, up } = await setup((s, req) => {
      if (req.index === 0) s.write(chatAnswer());
      else s.destroy();  // read it, then went away: it may have acted on it
    });
    assert.equal((await postJSON(chat, CHAT)).status, 200);
    const res = await postJSON(chat, CHAT);
    assert.equal(res.status, 502, res.text);
    assert.equal(up.requests.length, 2, 'the second call must not be sent again on a new connection');
  });
});

describe('what an upstream sends is checked before it reaches a client', () => {
  test('a CR inside an upstream header value → 502, nothing relayed', async () => {
    const { chat } = await setup((s) => { s.write(chatAnswer('hi', 'X-Request-Id: a\rInjected: 1\r\n')); });
    const res = await postJSON(chat, CHAT);
    assert.equal(res.status, 502, res.text);
    assert.equal(res.headers.get('injected'), null);
  });
  test('a bad status line → 502', async () => {
    const { chat } = await setup((s) => { s.write('FOO/9 200 OK\r\nContent-Length: 0\r\n\r\n'); });
    assert.equal((await postJSON(chat, CHAT)).status, 502);
  });
  test('conflicting Content-Length in a response → 502', async () => {
    const { chat } = await setup((s) => { s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'); });
    assert.equal((await postJSON(chat, CHAT)).status, 502);
  });
});

describe('/metrics and the master key', () => {
  test('with a master key, /metrics needs it; server.public_metrics opens it on purpose', async () => {
    const up = await startScriptedUpstream((s) => s.write(chatAnswer()));
    open.push(() => up.close());
    const closed = await startGateway({ config: gatewayConfig({ upstream: up.url, masterKey: 'sk-master-1' }) });
    open.push(() => closed.stop());
    assert.equal((await request(`${closed.url}/metrics`)).status, 401);
    const ok = await request(`${closed.url}/metrics`, { headers: { authorization: 'Bearer sk-master-1' } });
    assert.equal(ok.status, 200);
    assert.match(ok.text, /llmgw_deployment_in_flight/);
    const pub = await startGateway({ config: gatewayConfig({ upstream: up.url, masterKey: 'sk-master-1', server: { public_metrics: true } }) });
    open.push(() => pub.stop());
    assert.equal((await request(`${pub.url}/metrics`)).status, 200);
  });
});
