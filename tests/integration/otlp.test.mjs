// sink-otlp end to end: the gateway exports OTLP/HTTP JSON traces to a mock collector that checks
// every attribute's name and type against the table below (OpenTelemetry GenAI conventions plus
// llmgw.*); the client's traceparent is honoured and each attempt propagates its own upstream; each
// guardrail run is an INTERNAL `apply_guardrail {name}` span under the request span.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { startOtlpCollector } from '../mocks/otlp-collector.mjs';
import { ANTHROPIC_UPSTREAM_KEY, anthropicDeployment, closedPort, deployment, gatewayConfig, postJSON, startGateway, UPSTREAM_KEY,
  USER_HELLO } from './lib/gateway.mjs';

/** Every attribute the sink may send, with its OTLP type. Anything else is a failure. */
const ATTRIBUTE_TYPES = {
  'gen_ai.operation.name': 'stringValue',
  'gen_ai.provider.name': 'stringValue',
  'gen_ai.request.model': 'stringValue',
  'gen_ai.request.stream': 'boolValue',
  'gen_ai.response.model': 'stringValue',
  'gen_ai.response.id': 'stringValue',
  'gen_ai.response.finish_reasons': 'arrayValue',
  'gen_ai.usage.input_tokens': 'intValue',
  'gen_ai.usage.output_tokens': 'intValue',
  'gen_ai.usage.cache_read.input_tokens': 'intValue',
  'gen_ai.usage.cache_creation.input_tokens': 'intValue',
  'gen_ai.usage.reasoning.output_tokens': 'intValue',
  'gen_ai.response.time_to_first_chunk': 'doubleValue',
  'server.address': 'stringValue',
  'server.port': 'intValue',
  'error.type': 'stringValue',
  'http.response.status_code': 'intValue',
  'llmgw.request_id': 'stringValue',
  'llmgw.key_alias': 'stringValue',
  'llmgw.deployment': 'stringValue',
  'llmgw.attempts': 'intValue',
  'llmgw.attempt': 'intValue',
  'gen_ai.guardian.name': 'stringValue',
  'gen_ai.security.target.type': 'stringValue',
  'gen_ai.security.decision.type': 'stringValue',
  'llmgw.guardrail.stream': 'boolValue',
};
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';

let mock;
let anthropic;
let collector;
let gw;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  anthropic = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
  collector = await startOtlpCollector({ attributeTypes: ATTRIBUTE_TYPES });
  const refused = `http://127.0.0.1:${await closedPort()}`;
  const config = gatewayConfig({
    deployments: [
      { ...deployment({ alias: 'gpt-4o-mini', upstream: mock.url }), model_info: { id: 'up' } },
      { ...deployment({ alias: 'flaky', upstream: refused }), model_info: { id: 'down' } },
      { ...deployment({ alias: 'flaky', upstream: mock.url }), model_info: { id: 'flaky-up' } },
      { ...deployment({ alias: 'guarded', upstream: mock.url }), model_info: { id: 'guarded-up' } },
      { ...deployment({ alias: 'dated', model: 'gpt-4o-2024-08-06', upstream: mock.url }), model_info: { id: 'dated-up' } },
      { ...anthropicDeployment({ alias: 'claude', model: 'claude-sonnet-4-5-20250929', upstream: anthropic.url }),
        model_info: { id: 'claude-up' } },
    ],
    load: ['provider-openai', 'provider-anthropic', { path: 'sink-otlp', config: { endpoint: `${collector.url}/v1/traces`, batch_size: 100, service_name: 'llmgw-it' } },
      'guardrail-pii'],
    router: { num_retries: 0, routing_strategy: 'simple-shuffle' },
  });
  config.sinks = ['sink-otlp'];
  config.guardrails = [{ plugin: 'guardrail-pii', aliases: ['guarded'] }];
  gw = await startGateway({ config });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
  await anthropic?.close();
  await collector?.close();
});

async function spansOfTrace(traceId, count) {
  const end = Date.now() + 5000;
  for (;;) {
    const spans = collector.spans.filter((s) => s.traceId === traceId);
    if (spans.length >= count) return spans;
    if (Date.now() > end) assert.fail(`expected ${count} spans of trace ${traceId}, got ${spans.length}: ${JSON.stringify(collector.spans)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a request with a traceparent: its span continues the client trace, the attempt span is what the upstream sees', async () => {
  mock.reset();
  const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'gpt-4o-mini', messages: [USER_HELLO], stream: true,
    stream_options: { include_usage: true } }, { headers: { traceparent: `00-${TRACE_ID}-${CLIENT_SPAN}-01` } });
  assert.equal(res.status, 200);
  assert.match(res.text, /\[DONE\]/);
  const spans = await spansOfTrace(TRACE_ID, 2);
  assert.deepEqual(collector.problems, []);
  const request = spans.find((s) => s.parentSpanId === CLIENT_SPAN);
  assert.ok(request, 'the request span is a child of the client span');
  assert.equal(request.name, 'chat gpt-4o-mini');
  assert.equal(request.kind, 3);
  assert.equal(request.resource['service.name'], 'llmgw-it');
  const a = request.attributes;
  assert.equal(a['gen_ai.operation.name'], 'chat');
  assert.equal(a['gen_ai.provider.name'], 'openai');
  assert.equal(a['gen_ai.request.model'], 'gpt-4o-mini');
  assert.equal(a['gen_ai.request.stream'], true);
  assert.ok(Number(a['gen_ai.usage.input_tokens']) > 0);
  assert.ok(Number(a['gen_ai.usage.output_tokens']) > 0);
  assert.ok(a['gen_ai.response.time_to_first_chunk'] > 0);
  assert.equal(a['error.type'], undefined);
  // The streamed answer's own id, model and finish reason (every chunk carries the id).
  const chunkId = /"id":"(chatcmpl-[^"]+)"/.exec(res.text)?.[1];
  assert.ok(chunkId);
  assert.equal(a['gen_ai.response.id'], chunkId);
  assert.equal(a['gen_ai.response.model'], 'gpt-4o-mini');
  assert.deepEqual(a['gen_ai.response.finish_reasons'], { values: [{ stringValue: 'stop' }] });
  const attempt = spans.find((s) => s.parentSpanId === request.spanId);
  assert.ok(attempt, 'one attempt span under the request span');
  assert.equal(attempt.kind, 3);
  assert.equal(attempt.attributes['llmgw.deployment'], 'up');
  assert.equal(attempt.attributes['server.address'], '127.0.0.1');
  assert.equal(attempt.attributes['gen_ai.response.id'], chunkId);
  assert.deepEqual(attempt.attributes['gen_ai.response.finish_reasons'], { values: [{ stringValue: 'stop' }] });
  // The upstream got the trace, with the attempt's span as its parent.
  const upstream = mock.requests.at(-1);
  assert.equal(upstream.headers.traceparent, `00-${TRACE_ID}-${attempt.spanId}-01`);
});

test('no traceparent: a new trace; a failed attempt then a good one are two child spans, the failure typed', async () => {
  collector.spans.length = 0;
  const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'flaky', messages: [USER_HELLO] });
  // simple-shuffle may try the good one first: repeat until a request saw the refused one.
  let spans;
  for (let i = 0; i < 20; i++) {
    if (i > 0) assert.equal((await postJSON(`${gw.url}/v1/chat/completions`, { model: 'flaky', messages: [USER_HELLO] })).status, 200);
    await new Promise((r) => setTimeout(r, 100));
    const failed = collector.spans.find((s) => s.attributes['llmgw.deployment'] === 'down');
    if (failed) { spans = collector.spans.filter((s) => s.traceId === failed.traceId); break; }
  }
  assert.equal(res.status, 200);
  assert.ok(spans, 'some request tried the refused deployment');
  assert.deepEqual(collector.problems, []);
  const request = spans.find((s) => s.parentSpanId === undefined || s.parentSpanId === '');
  assert.ok(request, 'a root span (no client trace)');
  const attempts = spans.filter((s) => s.parentSpanId === request.spanId);
  assert.equal(attempts.length, 2);
  const failed = attempts.find((s) => s.attributes['llmgw.deployment'] === 'down');
  assert.ok(failed.attributes['error.type']);
  assert.equal(failed.status.code, 2);
  assert.equal(request.attributes['llmgw.attempts'], '2');
});

test('an invalid traceparent is ignored (new trace, no parent), never an error', async () => {
  collector.spans.length = 0;
  const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'gpt-4o-mini', messages: [USER_HELLO] },
    { headers: { traceparent: `00-${'0'.repeat(32)}-${CLIENT_SPAN}-01` } });
  assert.equal(res.status, 200);
  const end = Date.now() + 5000;
  while (collector.spans.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  const request = collector.spans.find((s) => !s.parentSpanId);
  assert.ok(request);
  assert.notEqual(request.traceId, '0'.repeat(32));
  assert.deepEqual(collector.problems, []);
});

test('guardrail runs are INTERNAL apply_guardrail spans under the request span, with the decision', async () => {
  const trace = '5cf92f3577b34da6a3ce929d0e0e4737';
  const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${trace}-${CLIENT_SPAN}-01` },
    body: JSON.stringify({ model: 'guarded', stream: true, messages: [{ role: 'user', content: 'I am jane.roe@example.org' }] }) });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /\[DONE\]/);
  const spans = await spansOfTrace(trace, 4);
  assert.deepEqual(collector.problems, []);
  const request = spans.find((s) => s.parentSpanId === CLIENT_SPAN);
  assert.ok(request);
  const guards = spans.filter((s) => s.name.startsWith('apply_guardrail'));
  assert.equal(guards.length, 2, JSON.stringify(spans.map((s) => s.name)));
  for (const g of guards) {
    assert.equal(g.name, 'apply_guardrail guardrail-pii');
    assert.equal(g.kind, 1);
    assert.equal(g.parentSpanId, request.spanId);
    assert.equal(g.attributes['gen_ai.operation.name'], 'apply_guardrail');
    assert.equal(g.attributes['gen_ai.guardian.name'], 'guardrail-pii');
    assert.ok(BigInt(g.endTimeUnixNano) >= BigInt(g.startTimeUnixNano));
    assert.ok(BigInt(g.startTimeUnixNano) >= BigInt(request.startTimeUnixNano));
  }
  const input = guards.find((g) => g.attributes['gen_ai.security.target.type'] === 'llm_input');
  assert.equal(input.attributes['gen_ai.security.decision.type'], 'modify');  // the address was redacted
  assert.equal(input.attributes['llmgw.guardrail.stream'], false);
  const output = guards.find((g) => g.attributes['gen_ai.security.target.type'] === 'llm_output');
  assert.equal(output.attributes['gen_ai.security.decision.type'], 'allow');
  assert.equal(output.attributes['llmgw.guardrail.stream'], true);
  assert.ok(!mock.requests.at(-1).body.toString('utf8').includes('jane.roe'));
});

/** The request span of `trace` (the client's span is its parent), once the collector has it. */
async function requestSpan(trace, count = 2) {
  const spans = await spansOfTrace(trace, count);
  assert.deepEqual(collector.problems, []);
  const request = spans.find((s) => s.parentSpanId === CLIENT_SPAN);
  assert.ok(request);
  return request;
}

const traceHeader = (trace) => ({ headers: { traceparent: `00-${trace}-${CLIENT_SPAN}-01` } });

test('gen_ai.response.*: a whole OpenAI answer (passthrough) names the upstream\'s id, model and finish reason', async () => {
  const trace = '6cf92f3577b34da6a3ce929d0e0e4738';
  mock.enqueue({ finish: 'length' });
  const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'dated', messages: [USER_HELLO] }, traceHeader(trace));
  assert.equal(res.status, 200);
  const a = (await requestSpan(trace)).attributes;
  assert.equal(a['gen_ai.request.model'], 'dated');
  assert.equal(a['gen_ai.response.id'], res.json.id);
  assert.match(a['gen_ai.response.id'], /^chatcmpl-/);
  assert.equal(a['gen_ai.response.model'], 'gpt-4o-2024-08-06');
  assert.deepEqual(a['gen_ai.response.finish_reasons'], { values: [{ stringValue: 'length' }] });
});

test('gen_ai.response.*: an Anthropic client, passthrough, whole and streamed', async () => {
  const headers = { 'anthropic-version': '2023-06-01' };
  const body = { model: 'claude', max_tokens: 64, messages: [USER_HELLO] };
  const whole = '7cf92f3577b34da6a3ce929d0e0e4739';
  const res = await postJSON(`${gw.url}/v1/messages`, body, { headers: { ...headers, ...traceHeader(whole).headers } });
  assert.equal(res.status, 200, res.text);
  let a = (await requestSpan(whole)).attributes;
  assert.equal(a['gen_ai.response.id'], res.json.id);
  assert.match(a['gen_ai.response.id'], /^msg_/);
  assert.equal(a['gen_ai.response.model'], 'claude-sonnet-4-5-20250929');
  assert.deepEqual(a['gen_ai.response.finish_reasons'], { values: [{ stringValue: res.json.stop_reason }] });

  const streamed = '8cf92f3577b34da6a3ce929d0e0e4730';
  anthropic.enqueue({ stopReason: 'max_tokens' });
  const s = await postJSON(`${gw.url}/v1/messages`, { ...body, stream: true }, { headers: { ...headers, ...traceHeader(streamed).headers } });
  assert.equal(s.status, 200, s.text);
  const messageId = /"id":"(msg_[^"]+)"/.exec(s.text)?.[1];
  assert.ok(messageId);
  a = (await requestSpan(streamed)).attributes;
  assert.equal(a['gen_ai.response.id'], messageId);
  assert.equal(a['gen_ai.response.model'], 'claude-sonnet-4-5-20250929');
  assert.deepEqual(a['gen_ai.response.finish_reasons'], { values: [{ stringValue: 'max_tokens' }] });
});

test('gen_ai.response.*: an Anthropic client on an OpenAI deployment (translated), whole and streamed', async () => {
  const headers = { 'anthropic-version': '2023-06-01' };
  const body = { model: 'dated', max_tokens: 64, messages: [USER_HELLO] };
  const whole = '9cf92f3577b34da6a3ce929d0e0e4731';
  mock.enqueue({ finish: 'length' });
  const res = await postJSON(`${gw.url}/v1/messages`, body, { headers: { ...headers, ...traceHeader(whole).headers } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.stop_reason, 'max_tokens');  // the client's dialect
  let a = (await requestSpan(whole)).attributes;
  assert.match(a['gen_ai.response.id'], /^chatcmpl-/);  // the upstream's own id
  assert.equal(a['gen_ai.response.model'], 'gpt-4o-2024-08-06');
  assert.deepEqual(a['gen_ai.response.finish_reasons'], { values: [{ stringValue: 'length' }] });

  const streamed = 'acf92f3577b34da6a3ce929d0e0e4732';
  const s = await postJSON(`${gw.url}/v1/messages`, { ...body, stream: true }, { headers: { ...headers, ...traceHeader(streamed).headers } });
  assert.equal(s.status, 200, s.text);
  assert.match(s.text, /message_stop/);
  a = (await requestSpan(streamed)).attributes;
  assert.match(a['gen_ai.response.id'], /^chatcmpl-/);
  assert.equal(a['gen_ai.response.model'], 'gpt-4o-2024-08-06');
  assert.deepEqual(a['gen_ai.response.finish_reasons'], { values: [{ stringValue: 'stop' }] });
});

test('a streamed answer the guardrail redacted is a modify decision (one it passed as it came stays allow)', async () => {
  const trace = 'bcf92f3577b34da6a3ce929d0e0e4733';
  // The address is cut across events: the guard stream holds it back and releases the placeholder.
  mock.enqueue({ content: 'Write to jane.roe@example.org today.', pieces: ['Write to jane.r', 'oe@exam', 'ple.org today.'] });
  const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${trace}-${CLIENT_SPAN}-01` },
    body: JSON.stringify({ model: 'guarded', stream: true, messages: [USER_HELLO] }) });
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /\[DONE\]/);
  assert.ok(!text.includes('jane.r'), text);
  assert.match(text, /\[EMAIL_1\]/);
  const spans = await spansOfTrace(trace, 4);
  assert.deepEqual(collector.problems, []);
  const guards = spans.filter((s) => s.name.startsWith('apply_guardrail'));
  const output = guards.find((g) => g.attributes['gen_ai.security.target.type'] === 'llm_output');
  assert.ok(output, JSON.stringify(spans.map((s) => s.name)));
  assert.equal(output.attributes['llmgw.guardrail.stream'], true);
  assert.equal(output.attributes['gen_ai.security.decision.type'], 'modify');
  const input = guards.find((g) => g.attributes['gen_ai.security.target.type'] === 'llm_input');
  assert.equal(input.attributes['gen_ai.security.decision.type'], 'allow');  // nothing personal in the request
});

test('prompt caching: a cache write then a cache read carry gen_ai.usage.cache_creation / cache_read.input_tokens with the upstream\'s values', async () => {
  const headers = { 'anthropic-version': '2023-06-01' };
  // Long enough for the mock's 1,024-token minimum, marked for caching.
  const system = [{ type: 'text', text: 'You answer questions about OTLP spans. '.repeat(160), cache_control: { type: 'ephemeral' } }];
  const body = { model: 'claude', max_tokens: 64, system, messages: [USER_HELLO] };
  const traces = ['dcf92f3577b34da6a3ce929d0e0e4735', 'ecf92f3577b34da6a3ce929d0e0e4736'];
  const usages = [];
  for (const trace of traces) {
    const res = await postJSON(`${gw.url}/v1/messages`, body, { headers: { ...headers, ...traceHeader(trace).headers } });
    assert.equal(res.status, 200, res.text);
    usages.push(res.json.usage);
  }
  assert.ok(usages[0].cache_creation_input_tokens > 1000, JSON.stringify(usages[0]));
  assert.equal(usages[1].cache_read_input_tokens, usages[0].cache_creation_input_tokens, JSON.stringify(usages));
  const write = (await requestSpan(traces[0])).attributes;
  assert.equal(Number(write['gen_ai.usage.cache_creation.input_tokens']), usages[0].cache_creation_input_tokens);
  // input_tokens includes the cache write (the OTel convention).
  assert.equal(Number(write['gen_ai.usage.input_tokens']), usages[0].input_tokens + usages[0].cache_creation_input_tokens);
  const read = (await requestSpan(traces[1])).attributes;
  assert.equal(Number(read['gen_ai.usage.cache_read.input_tokens']), usages[1].cache_read_input_tokens);
  assert.equal(Number(read['gen_ai.usage.input_tokens']), usages[1].input_tokens + usages[1].cache_read_input_tokens);
  assert.ok(!('gen_ai.usage.cache_creation.input_tokens' in read) || Number(read['gen_ai.usage.cache_creation.input_tokens']) === 0, JSON.stringify(read));

  // /metrics: these two are the only calls of this file that asked for caching, so the ratio per
  // alias is the read over both calls' input tokens (reads and writes included).
  const text = await (await fetch(`${gw.url}/metrics`)).text();
  const inputs = usages.reduce((n, u) => n + u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens, 0);
  assert.equal(metric(text, 'llmgw_prompt_cache_input_tokens_total{alias="claude"}'), inputs, text);
  assert.equal(metric(text, 'llmgw_prompt_cache_read_tokens_total{alias="claude"}'), usages[1].cache_read_input_tokens);
  assert.ok(Math.abs(metric(text, 'llmgw_prompt_cache_hit_ratio{alias="claude"}') - usages[1].cache_read_input_tokens / inputs) < 1e-6);
  const dep = 'deployment="claude-up"';
  assert.ok(metric(text, `llmgw_tokens_total{alias="claude",${dep},kind="cache_write"}`) >= usages[0].cache_creation_input_tokens, text);
  assert.ok(metric(text, `llmgw_tokens_total{alias="claude",${dep},kind="cache_read"}`) >= usages[1].cache_read_input_tokens, text);
});

/** The value of the series `name{labels}` on /metrics, or NaN. */
function metric(text, series) {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

test('/metrics: a held stream is in flight; the refused deployment counts an upstream error by class; overhead is sane', async () => {
  mock.enqueue({ content: 'one two three four five six', streamDelayMs: 150 });
  const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [USER_HELLO] }) });
  assert.equal(res.status, 200);
  const during = await (await fetch(`${gw.url}/metrics`)).text();
  assert.ok(metric(during, 'llmgw_requests_in_flight{route="/v1/chat/completions"}') >= 1, during);
  assert.match(await res.text(), /\[DONE\]/);
  let after;
  for (let i = 0; i < 50; i++) {  // the gauge drops when the request's last phase ends
    after = await (await fetch(`${gw.url}/metrics`)).text();
    if (metric(after, 'llmgw_requests_in_flight{route="/v1/chat/completions"}') === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(metric(after, 'llmgw_requests_in_flight{route="/v1/chat/completions"}'), 0);
  // 'flaky' tried the refused deployment 'down' earlier in this file.
  const errors = after.split('\n').filter((l) => l.startsWith('llmgw_upstream_errors_total{deployment="down",class="'));
  assert.ok(errors.length >= 1 && errors.every((l) => Number(l.split(' ')[1]) >= 1), after);
  // Overhead: counted for every request that reached an upstream, its sum well under its count × 1 s.
  const count = metric(after, 'llmgw_gateway_overhead_seconds_count{route="/v1/chat/completions"}');
  const sum = metric(after, 'llmgw_gateway_overhead_seconds_sum{route="/v1/chat/completions"}');
  assert.ok(count >= 3 && sum > 0 && sum < count * 0.5, `count ${count} sum ${sum}`);
  assert.equal(metric(after, 'llmgw_gateway_overhead_seconds_bucket{route="/v1/chat/completions",le="+Inf"}'), count);
  assert.ok(metric(after, 'llmgw_gateway_overhead_seconds_bucket{route="/v1/chat/completions",le="0.5"}') >= count - 1, after);
});
