// The mock collector rejects what a collector rejects, and flags attributes outside its table.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startOtlpCollector } from './otlp-collector.mjs';

let c;
before(async () => { c = await startOtlpCollector({ attributeTypes: { 'gen_ai.request.model': 'stringValue', 'gen_ai.usage.input_tokens': 'intValue' } }); });
after(async () => { await c?.close(); });

const span = (attributes, extra = {}) => ({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 't' }, spans: [{
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', name: 'chat m', kind: 3,
  startTimeUnixNano: '1', endTimeUnixNano: '2', attributes, ...extra }] }] }] });
const post = (body, type = 'application/json', path = '/v1/traces') =>
  fetch(`${c.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body: JSON.stringify(body) });

test('wrong path, content type or shape are refused', async () => {
  assert.equal((await post(span([]), 'application/json', '/v1/metrics')).status, 404);
  assert.equal((await post(span([]), 'application/x-protobuf')).status, 415);
  assert.equal((await post({ nope: 1 })).status, 400);
});

test('a good span passes; unknown names, wrong types and bad ids are problems', async () => {
  c.problems.length = 0;
  assert.equal((await post(span([{ key: 'gen_ai.request.model', value: { stringValue: 'm' } },
    { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } }]))).status, 200);
  assert.deepEqual(c.problems, []);
  await post(span([{ key: 'gen_ai.request.modle', value: { stringValue: 'm' } }]));
  await post(span([{ key: 'gen_ai.usage.input_tokens', value: { doubleValue: 1.5 } }]));
  await post(span([], { spanId: 'ABC' }));
  await post(span([], { startTimeUnixNano: '3' }));
  assert.equal(c.problems.length, 4, c.problems.join('\n'));
  assert.match(c.problems[0], /unknown attribute gen_ai.request.modle/);
  assert.match(c.problems[1], /is doubleValue, expected intValue/);
  assert.match(c.problems[2], /spanId/);
  assert.match(c.problems[3], /ends before it starts/);
});
