// The third-party guardrail sample (samples/guardrail-denylist, built against the installed SDK
// alone) loaded into the real gateway: a denied term blocks with a 400 in both client dialects
// (detector named, the term never echoed, nothing upstream); an over-long prompt blocks too; a
// redact term is replaced before the request goes upstream; and in answers, whole and streamed
// (OpenAI and Anthropic), with the term cut across stream events at every offset.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  anthropicDeployment, anthropicErrorOf, deployment, errorOf, gatewayConfig, postJSON, readSSE, RELAY_AS_IS,
  startGateway } from './lib/gateway.mjs';
import { chatAnswer, chunk, chunkEvent, STREAM_HEAD, startScriptedUpstream } from './lib/scripted-upstream.mjs';

const MASTER = 'sk-gw-master-denylist-91c2';
const DENIED = 'Project Zeus';
const TERM = 'Acme Corp';
let scripted;
let gw;

/** The upstream's answer names TERM, cut at the offset the prompt gives ("split=N"). */
function answer(socket, req) {
  const body = JSON.parse(req.body);
  const prompt = JSON.stringify(body.messages);
  const split = Number(/split=(\d+)/.exec(prompt)?.[1] ?? 3);
  const text = /say-denied/.test(prompt) ? `Plan: ${DENIED} is go.` : `Ask ${TERM} now.`;
  const cut = text.indexOf(/say-denied/.test(prompt) ? DENIED : TERM) + split;
  const parts = [text.slice(0, cut), text.slice(cut)];
  if (req.head.startsWith('POST /v1/messages')) {
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
  scripted = await startScriptedUpstream(answer);
  const cfg = gatewayConfig({
    masterKey: MASTER,
    router: RELAY_AS_IS,
    deployments: [
      deployment({ alias: 'gpt', model: 'gpt-4o-mini', upstream: scripted.url }),
      anthropicDeployment({ alias: 'claude', model: 'claude-sonnet-4-5', upstream: scripted.url }),
    ],
    load: ['provider-openai', 'provider-anthropic',
      { path: 'guardrail-denylist', config: { block: [DENIED.toLowerCase()], redact: [TERM], replacement: '[CO]', max_input_bytes: 2000 } }],
  });
  cfg.guardrails = [{ plugin: 'guardrail-denylist' }];
  gw = await startGateway({ config: cfg });
});
after(async () => {
  await gw?.stop();
  await scripted?.close();
});
beforeEach(() => scripted.reset());

const AH = { 'x-api-key': MASTER, 'anthropic-version': '2023-06-01' };
const OH = { authorization: `Bearer ${MASTER}` };

describe('input', () => {
  test('OpenAI: a denied term is a 400 naming the detector, never the term; nothing goes upstream', async () => {
    const res = await postJSON(`${gw.url}/v1/chat/completions`, {
      model: 'gpt', messages: [{ role: 'user', content: `tell me about PROJECT ZEUS` }] }, { headers: OH });
    assert.equal(res.status, 400, res.text);
    const e = errorOf(res);
    assert.equal(e.code, 'guardrail_blocked');
    assert.match(e.message, /guardrail-denylist: detector denylist/);
    assert.ok(!/zeus/i.test(res.text), res.text);
    assert.equal(scripted.requests.length, 0);
  });

  test('Anthropic: a denied term in the system prompt is a 400 in the Anthropic dialect', async () => {
    const res = await postJSON(`${gw.url}/v1/messages`, {
      model: 'claude', max_tokens: 16, system: `Codename: ${DENIED}.`, messages: [{ role: 'user', content: 'hi' }],
    }, { headers: AH });
    assert.equal(res.status, 400, res.text);
    const e = anthropicErrorOf(res);
    assert.equal(e.type, 'invalid_request_error');
    assert.match(e.message, /guardrail-denylist: detector denylist/);
    assert.ok(!/zeus/i.test(res.text), res.text);
    assert.equal(scripted.requests.length, 0);
  });

  test('a prompt over max_input_bytes is a 400 naming max_input_bytes, in both dialects', async () => {
    const long = 'x'.repeat(2001);
    const o = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'gpt', messages: [{ role: 'user', content: long }] },
      { headers: OH });
    assert.equal(o.status, 400, o.text);
    assert.match(errorOf(o).message, /detector max_input_bytes/);
    const a = await postJSON(`${gw.url}/v1/messages`, { model: 'claude', max_tokens: 8, messages: [{ role: 'user', content: long }] },
      { headers: AH });
    assert.equal(a.status, 400, a.text);
    assert.match(anthropicErrorOf(a).message, /detector max_input_bytes/);
    assert.equal(scripted.requests.length, 0);
  });

  test('a redact term is replaced before the request goes upstream (OpenAI and Anthropic)', async () => {
    const o = await postJSON(`${gw.url}/v1/chat/completions`, {
      model: 'gpt', messages: [{ role: 'system', content: `You work for acme corp.` }, { role: 'user', content: `Is ${TERM} big?` }],
    }, { headers: OH });
    assert.equal(o.status, 200, o.text);
    const sent = JSON.parse(scripted.requests[0].body);
    assert.equal(sent.messages[0].content, 'You work for [CO].');
    assert.equal(sent.messages[1].content, 'Is [CO] big?');
    const a = await postJSON(`${gw.url}/v1/messages`, {
      model: 'claude', max_tokens: 16, stream: true, messages: [{ role: 'user', content: [{ type: 'text', text: `About ${TERM}` }] }],
    }, { headers: AH });
    assert.equal(a.status, 200, a.text);
    const raw = scripted.requests[1].body;
    assert.equal(JSON.parse(raw).messages[0].content[0].text, 'About [CO]');
    assert.ok(!raw.includes(TERM));
  });
});

describe('output', () => {
  test('a whole answer is redacted', async () => {
    const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'gpt', messages: [{ role: 'user', content: 'hi' }] },
      { headers: OH });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, 'Ask [CO] now.');
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

  test('OpenAI stream: the term cut across two events at every offset arrives as [CO]', async () => {
    for (let split = 0; split <= TERM.length; split++) {
      const { text, raw } = await streamText(`${gw.url}/v1/chat/completions`,
        { model: 'gpt', stream: true, messages: [{ role: 'user', content: `split=${split}` }] }, OH,
        (j) => j.choices?.[0]?.delta?.content);
      assert.equal(text, 'Ask [CO] now.', `split ${split}`);
      assert.ok(!raw.includes('Corp'), `split ${split}: ${raw}`);
      assert.ok(raw.trimEnd().endsWith('data: [DONE]'));
    }
  });

  test('Anthropic stream: the term cut across text_delta events at every offset arrives as [CO]', async () => {
    for (let split = 0; split <= TERM.length; split++) {
      const { text, raw } = await streamText(`${gw.url}/v1/messages`,
        { model: 'claude', stream: true, max_tokens: 32, messages: [{ role: 'user', content: `split=${split}` }] }, AH,
        (j) => (j.type === 'content_block_delta' ? j.delta.text : ''));
      assert.equal(text, 'Ask [CO] now.', `split ${split}`);
      assert.ok(!raw.includes('Corp'), `split ${split}`);
    }
  });

  test('a denied term in a streamed answer ends the stream with an error, never sending the term', async () => {
    for (let split = 0; split <= DENIED.length; split += 4) {
      const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...OH },
        body: JSON.stringify({ model: 'gpt', stream: true, messages: [{ role: 'user', content: `say-denied split=${split}` }] }) });
      const raw = await res.text();
      assert.ok(!/zeus/i.test(raw), `split ${split}: ${raw}`);
      assert.match(raw, /denylist/, `split ${split}: ${raw}`);
    }
  });
});
