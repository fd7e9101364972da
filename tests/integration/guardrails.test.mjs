// Guardrails end to end (guardrail-pii through the gateway): a request's personal data is redacted
// before it goes upstream (on the Anthropic passthrough route only the changed strings change:
// cache_control and every other byte arrive as the client sent them); a blocked request is a 400
// in the client's dialect naming the detector, never the match, and never reaches the upstream;
// answers are redacted whole and streamed — an address split across stream events at any offset
// still arrives as its placeholder.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import {
  ANTHROPIC_UPSTREAM_KEY, anthropicDeployment, anthropicErrorOf, deployment, errorOf, gatewayConfig, postJSON, readSSE,
  RELAY_AS_IS, startGateway } from './lib/gateway.mjs';
import { chunk, chunkEvent, chatAnswer, STREAM_HEAD, startScriptedUpstream } from './lib/scripted-upstream.mjs';

const MASTER = 'sk-gw-master-guardrails-5e1f';
const EMAIL = 'john.doe@example.com';
const SSN = '123-45-6789';
let anthropic;
let scripted;
let gw;

/** The scripted upstream's answers: OpenAI or Anthropic, whole or streamed with the address cut
 *  at the offset the prompt names ("split=N"). */
function answer(socket, req) {
  const body = JSON.parse(req.body);
  const prompt = JSON.stringify(body.messages);
  const split = Number(/split=(\d+)/.exec(prompt)?.[1] ?? 5);
  const text = `Write to ${EMAIL} today.`;
  const cut = 'Write to '.length + split;
  const parts = [text.slice(0, cut), text.slice(cut)];
  // "streamed-tool": the answer is a streamed tool call whose arguments carry the address, cut at the offset.
  const args = `{"to":"${EMAIL}"}`;
  const argParts = [args.slice(0, '{"to":"'.length + split), args.slice('{"to":"'.length + split)];
  if (body.stream && /streamed-tool/.test(prompt) && req.head.startsWith('POST /v1/messages')) {
    const ev = (name, data) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
    let out = ev('message_start', { message: { id: 'msg_2', type: 'message', role: 'assistant', model: body.model, content: [],
      stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } });
    out += ev('content_block_start', { index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'send', input: {} } });
    out += ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '' } });
    socket.write(STREAM_HEAD + chunk(out));
    for (const p of argParts) socket.write(chunk(ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: p } })));
    socket.write(chunk(ev('content_block_stop', { index: 0 }) +
      ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } }) +
      ev('message_stop', {})));
    socket.write('0\r\n\r\n');
    return;
  }
  if (body.stream && /streamed-tool/.test(prompt)) {  // OpenAI
    const c = (delta, finish = null) => `data: ${JSON.stringify({ id: 'chatcmpl-2', object: 'chat.completion.chunk', created: 1,
      model: 'gpt-4o-mini', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    socket.write(STREAM_HEAD + chunk(c({ role: 'assistant', content: null,
      tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'send', arguments: '' } }] })));
    for (const p of argParts) socket.write(chunk(c({ tool_calls: [{ index: 0, function: { arguments: p } }] })));
    socket.write(chunk(c({}, 'tool_calls')) + chunk('data: [DONE]\n\n'));
    socket.write('0\r\n\r\n');
    return;
  }
  if (req.head.startsWith('POST /v1/messages')) {  // Anthropic
    const ev = (name, data) => `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
    let out = ev('message_start', { message: { id: 'msg_1', type: 'message', role: 'assistant', model: body.model, content: [],
      stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, output_tokens: 1 } } });
    out += ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    socket.write(STREAM_HEAD + chunk(out));
    for (const p of parts) socket.write(chunk(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } })));
    socket.write(chunk(ev('content_block_stop', { index: 0 }) +
      ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 9 } }) +
      ev('message_stop', {})));
    socket.write('0\r\n\r\n');
    return;
  }
  if (!body.stream) {
    socket.write(chatAnswer(text));
    return;
  }
  socket.write(STREAM_HEAD);
  for (const p of parts) socket.write(chunk(chunkEvent(p)));
  socket.write(chunk(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`));
  socket.write(chunk('data: [DONE]\n\n'));
  socket.write('0\r\n\r\n');
}

before(async () => {
  anthropic = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
  scripted = await startScriptedUpstream(answer);
  const cfg = gatewayConfig({
    masterKey: MASTER,
    router: RELAY_AS_IS,
    deployments: [
      anthropicDeployment({ alias: 'claude', model: 'claude-sonnet-4-5', upstream: anthropic.url }),
      anthropicDeployment({ alias: 'claude-scripted', model: 'claude-sonnet-4-5', upstream: scripted.url }),
      deployment({ alias: 'gpt', model: 'gpt-4o-mini', upstream: scripted.url }),
    ],
    load: ['provider-openai', 'provider-anthropic',
      { path: 'guardrail-pii', config: { detectors: { us_ssn: 'block' } } }],
  });
  cfg.guardrails = [{ plugin: 'guardrail-pii' }];
  gw = await startGateway({ config: cfg });
});
after(async () => {
  await gw?.stop();
  await anthropic?.close();
  await scripted?.close();
});
beforeEach(() => {
  anthropic.reset({ cache: true });
  scripted.reset();
});

const AH = { 'x-api-key': MASTER, 'anthropic-version': '2023-06-01' };
const OH = { authorization: `Bearer ${MASTER}` };

describe('input', () => {
  test('Anthropic passthrough: the address becomes [EMAIL_1]; cache_control and every other byte survive', async () => {
    const body = '{ "model" : "claude",\n  "system":[{"type":"text","text":"Be terse.","cache_control":{"type":"ephemeral"}}],\n' +
      `  "messages":[{"role":"user","content":[{"type":"text","text":"Mail ${EMAIL} and \\"${EMAIL}\\" please",` +
      '"cache_control":{"type":"ephemeral"},"x_unknown":{"keep":[1, 2.50 ,true]}}]}],\t"max_tokens":  64 }';
    const res = await postJSON(`${gw.url}/v1/messages`, body, { headers: AH });
    assert.equal(res.status, 200, res.text);
    assert.equal(anthropic.requests.length, 1);
    const sent = anthropic.requests[0].body.toString('utf8');
    const expected = body.replace('"claude"', '"claude-sonnet-4-5"')
      .replace(`Mail ${EMAIL} and \\"${EMAIL}\\" please`, 'Mail [EMAIL_1] and \\"[EMAIL_1]\\" please');
    assert.equal(sent, expected);
    assert.ok(!sent.includes(EMAIL));
  });

  test('OpenAI: tool-call arguments and tool results are redacted too', async () => {
    const res = await postJSON(`${gw.url}/v1/chat/completions`, {
      model: 'gpt',
      messages: [
        { role: 'system', content: `Admin is ${EMAIL}.` },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'send', arguments: `{"to":"${EMAIL}"}` } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sent to 192.168.1.10' },
        { role: 'user', content: 'ok' },
      ],
    }, { headers: OH });
    assert.equal(res.status, 200, res.text);
    const sent = JSON.parse(scripted.requests[0].body);
    assert.equal(sent.messages[0].content, 'Admin is [EMAIL_1].');
    assert.equal(sent.messages[1].tool_calls[0].function.arguments, '{"to":"[EMAIL_1]"}');
    assert.equal(sent.messages[2].content, 'sent to [IPV4_1]');
  });

  test('block: 400 in the Anthropic dialect naming the detector, nothing upstream, no echo of the match', async () => {
    const res = await postJSON(`${gw.url}/v1/messages`, {
      model: 'claude', max_tokens: 16, messages: [{ role: 'user', content: `my ssn is ${SSN}` }],
    }, { headers: AH });
    assert.equal(res.status, 400);
    const e = anthropicErrorOf(res);
    assert.equal(e.type, 'invalid_request_error');
    assert.match(e.message, /guardrail-pii: detector us_ssn/);
    assert.ok(!res.text.includes(SSN) && !res.text.includes('6789'));
    assert.equal(anthropic.requests.length, 0);
  });

  test('block: 400 in the OpenAI dialect', async () => {
    const res = await postJSON(`${gw.url}/v1/chat/completions`, {
      model: 'gpt', messages: [{ role: 'user', content: `ssn ${SSN}` }],
    }, { headers: OH });
    assert.equal(res.status, 400);
    const e = errorOf(res);
    assert.equal(e.code, 'guardrail_blocked');
    assert.match(e.message, /detector us_ssn/);
    assert.ok(!res.text.includes(SSN));
    assert.equal(scripted.requests.length, 0);
  });
});

describe('output', () => {
  test('a whole answer is redacted', async () => {
    const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'gpt', messages: [{ role: 'user', content: 'hi' }] },
      { headers: OH });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, 'Write to [EMAIL_1] today.');
  });

  const streamText = async (url, body, headers, pick) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    let text = '';
    let raw = '';
    for await (const e of readSSE(res.body)) {
      raw += e.raw;
      if (e.json) text += pick(e.json) ?? '';
    }
    return { text, raw };
  };

  test('OpenAI stream: the address split across two events at every offset arrives as [EMAIL_1]', async () => {
    for (let split = 0; split <= EMAIL.length; split++) {
      const { text, raw } = await streamText(`${gw.url}/v1/chat/completions`,
        { model: 'gpt', stream: true, messages: [{ role: 'user', content: `split=${split}` }] }, OH,
        (j) => j.choices?.[0]?.delta?.content);
      assert.equal(text, 'Write to [EMAIL_1] today.', `split ${split}`);
      assert.ok(!raw.includes('example.com'), `split ${split}: ${raw}`);
      assert.ok(raw.trimEnd().endsWith('data: [DONE]'));
    }
  });

  test('Anthropic stream: the address split across text_delta events at every offset', async () => {
    for (let split = 0; split <= EMAIL.length; split += 3) {
      const { text, raw } = await streamText(`${gw.url}/v1/messages`,
        { model: 'claude-scripted', stream: true, max_tokens: 32, messages: [{ role: 'user', content: `split=${split}` }] }, AH,
        (j) => (j.type === 'content_block_delta' ? j.delta.text : ''));
      assert.equal(text, 'Write to [EMAIL_1] today.', `split ${split}`);
      assert.ok(!raw.includes('example.com'));
      assert.ok(raw.indexOf('content_block_stop') > raw.lastIndexOf('text_delta'));
    }
  });

  test('OpenAI stream: tool-call argument deltas are redacted, the address cut at every offset', async () => {
    for (let split = 0; split <= EMAIL.length; split++) {
      const { text, raw } = await streamText(`${gw.url}/v1/chat/completions`,
        { model: 'gpt', stream: true, messages: [{ role: 'user', content: `streamed-tool split=${split}` }] }, OH,
        (j) => j.choices?.[0]?.delta?.tool_calls?.[0]?.function?.arguments);
      assert.equal(text, '{"to":"[EMAIL_1]"}', `split ${split}: ${raw}`);
      assert.ok(!raw.includes('example.com'), `split ${split}: ${raw}`);
      assert.match(raw, /"finish_reason":"tool_calls"/);
      assert.ok(raw.trimEnd().endsWith('data: [DONE]'));
    }
  });

  test('Anthropic stream: input_json_delta partial_json is redacted, the address cut at every offset', async () => {
    for (let split = 0; split <= EMAIL.length; split++) {
      const { text, raw } = await streamText(`${gw.url}/v1/messages`,
        { model: 'claude-scripted', stream: true, max_tokens: 32, messages: [{ role: 'user', content: `streamed-tool split=${split}` }] }, AH,
        (j) => (j.type === 'content_block_delta' ? j.delta.partial_json : ''));
      assert.equal(text, '{"to":"[EMAIL_1]"}', `split ${split}: ${raw}`);
      assert.ok(!raw.includes('example.com'), `split ${split}: ${raw}`);
      assert.ok(raw.indexOf('content_block_stop') > raw.lastIndexOf('input_json_delta'));
      assert.match(raw, /"stop_reason":"tool_use"/);
    }
  });
});
