// The 2 × 2 matrix: clients {official @anthropic-ai/sdk, official openai SDK} × upstreams {Anthropic
// mock, OpenAI mock}, all through one gateway. For each pair: (a) a plain completion, and text with
// escapes / non-ASCII both ways; (b) a stream (event sequence checked, text arriving before the
// upstream is done); (c) a streamed round trip with two parallel tool calls, non-stream tool calls,
// and a stream mixing text and tool calls; (d) upstream errors as the SDK's error classes, and a
// stream cut by the upstream; (e) usage; (f) an image and a system prompt as the upstream sees them;
// (g) stop reasons; (h) sampling and thinking parameters. Every check also fills a cell of the
// translation table (lib/feature-table.mjs), printed at exit and written to
// build/translation-table.txt (or $LLMGW_TABLE_OUT). The prompt-cache tests run in this same process
// (imported below) so the one table has every cell.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as AM from '../mocks/anthropic-mock.mjs';
import { anthropicError } from '../mocks/anthropic-validate.mjs';
import * as OM from '../mocks/openai-mock.mjs';
import { WEATHER_TOOL } from '../integration/lib/gateway.mjs';
import { checks, failRecorded, ownTableFile, PAIRS } from './lib/feature-table.mjs';
import { Anthropic, OpenAI, OPENAI_MODEL, startMatrix } from './lib/matrix-fixture.mjs';
import './prompt-cache.test.mjs';

ownTableFile();

const EXPECTED = {
  openai: { text: OM.MOCK_TEXT, inputs: OM.WEATHER_ARGUMENTS.map((a) => JSON.parse(a)) },
  anthropic: { text: AM.MOCK_TEXT, inputs: AM.WEATHER_INPUTS },
};
const WEATHER_Q = 'What is the weather in Paris and London?';
const ANTHROPIC_TOOL = { name: WEATHER_TOOL.function.name, description: WEATHER_TOOL.function.description,
  input_schema: WEATHER_TOOL.function.parameters };
// A 1×1 PNG.
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const PNG_URL = `data:image/png;base64,${PNG_B64}`;
const SYSTEM = 'You are a terse assistant. Answer in one sentence.';
// Quotes, backslash, newline, U+2028, a control character, non-ASCII, an astral-plane emoji, markup.
const WEIRD = 'line1\nline2 "q" \\ back\u2028sep é ü 漢字 😀 \u0001 </script>';
const MIXED_TEXT = 'Let me check both.';
const MIXED_INPUTS = [{ location: 'Paris' }, { location: 'London' }];
const PARAMS_ROW = 'sampling & thinking params';

let fx;
before(async () => { fx = await startMatrix(); });
after(async () => { await fx?.stop(); });
beforeEach(() => fx.reset());

// ---------------------------------------------------------------------------------------------
// Helpers

/** Asserts a valid Anthropic event sequence; returns the content blocks seen ({ type, deltas }). */
export function assertAnthropicEvents(events) {
  const types = events.map((e) => e.type);
  assert.ok(events.length >= 3, `too few events: ${types.join(',')}`);
  assert.equal(types[0], 'message_start', `first event: ${types.join(',')}`);
  assert.equal(types.at(-1), 'message_stop', `last event: ${types.join(',')}`);
  const blocks = [];
  let open = null;
  let sawDelta = false;
  const deltaFor = { text: ['text_delta', 'citations_delta'], tool_use: ['input_json_delta'],
    thinking: ['thinking_delta', 'signature_delta'] };
  for (let i = 1; i < events.length; i++) {
    const e = events[i];
    const where = `event ${i} (${e.type}) in ${types.join(',')}`;
    switch (e.type) {
      case 'content_block_start':
        assert.equal(open, null, `block started while block ${open?.index} is open: ${where}`);
        assert.ok(!sawDelta, `content after message_delta: ${where}`);
        assert.equal(e.index, blocks.length, `block index: ${where}`);
        open = { index: e.index, type: e.content_block.type, start: e.content_block, deltas: [] };
        break;
      case 'content_block_delta':
        assert.ok(open && e.index === open.index, `delta outside its block: ${where}`);
        if (deltaFor[open.type]) assert.ok(deltaFor[open.type].includes(e.delta.type), `${e.delta.type} in a ${open.type} block: ${where}`);
        open.deltas.push(e.delta);
        break;
      case 'content_block_stop':
        assert.ok(open && e.index === open.index, `stop of a block not open: ${where}`);
        blocks.push(open);
        open = null;
        break;
      case 'message_delta':
        assert.equal(open, null, `message_delta inside a block: ${where}`);
        assert.ok(!sawDelta, `two message_delta: ${where}`);
        assert.ok(e.delta.stop_reason, `message_delta without stop_reason: ${where}`);
        sawDelta = true;
        break;
      case 'message_stop':
        assert.equal(i, events.length - 1, `message_stop not last: ${where}`);
        assert.ok(sawDelta, `message_stop without message_delta: ${where}`);
        break;
      default:
        assert.fail(`unexpected event: ${where}`);
    }
  }
  return blocks;
}

/** Asserts a valid chat.completion.chunk sequence; returns { text, finish, calls, usage }. */
export function assertOpenAIChunks(chunks, { includeUsage = false } = {}) {
  assert.ok(chunks.length >= 2, `too few chunks: ${chunks.length}`);
  const id = chunks[0].id;
  let text = '';
  let finish = null;
  let finishAt = -1;
  const calls = [];
  chunks.forEach((c, i) => {
    assert.equal(c.object, 'chat.completion.chunk', `chunk ${i}`);
    assert.equal(c.id, id, `chunk ${i} changes the id`);
    if (c.choices.length === 0) return;
    const { delta, finish_reason: f } = c.choices[0];
    if (i === 0) assert.equal(delta.role, 'assistant', 'the first chunk carries role assistant');
    if (finish !== null) assert.ok(!delta.content && !delta.tool_calls, `content after finish_reason (chunk ${i})`);
    text += delta.content ?? '';
    for (const d of delta.tool_calls ?? []) {
      const call = (calls[d.index] ??= { id: '', type: '', name: '', arguments: '', pieces: 0 });
      if (d.id) call.id = d.id;
      if (d.type) call.type = d.type;
      if (d.function?.name) call.name += d.function.name;
      if (d.function?.arguments) { call.arguments += d.function.arguments; call.pieces++; }
    }
    if (f) {
      assert.equal(finish, null, `a second finish_reason at chunk ${i}`);
      finish = f;
      finishAt = i;
    }
  });
  assert.ok(finish, 'no finish_reason');
  let usage = null;
  if (includeUsage) {
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, [], 'the usage chunk (choices: []) comes last');
    assert.ok(last.usage, 'the last chunk has no usage');
    assert.ok(finishAt < chunks.length - 1);
    usage = last.usage;
  }
  return { text, finish, calls, usage };
}

async function openaiStream(p, params, { times = null } = {}) {
  const s = await p.sdk.chat.completions.create({ model: p.model, stream: true, ...params });
  const chunks = [];
  for await (const c of s) {
    chunks.push(c);
    times?.push(performance.now());
  }
  return chunks;
}

/** Asserts the client saw text before the upstream had finished writing its stream. */
function assertIncremental(firstTextAt, mock) {
  const upstreamTimes = mock.requests.at(-1).responseChunkTimes;
  assert.ok(upstreamTimes.length > 4, `the upstream wrote ${upstreamTimes.length} pieces`);
  assert.ok(firstTextAt !== undefined, 'no text arrived');
  assert.ok(firstTextAt < upstreamTimes.at(-1),
    `the first text reached the client ${(firstTextAt - upstreamTimes.at(-1)).toFixed(0)} ms after the upstream's last event: buffered, not streamed`);
}

async function anthropicStream(p, params) {
  const s = p.sdk.messages.stream({ model: p.model, max_tokens: 1024, ...params });
  const events = [];
  // A copy: the SDK keeps accumulating into message_start's message (its snapshot).
  s.on('streamEvent', (e) => events.push(structuredClone(e)));
  const final = await s.finalMessage();
  return { events, final };
}

const textOf = (m) => m.content.filter((b) => b.type === 'text').map((b) => b.text).join('');

/** The SSE text of a canned OpenAI stream (the mock's chunks with a chosen finish_reason). */
function cannedOpenAI(finish, { stream = false, content = 'Hello! I am' } = {}) {
  const body = { model: OPENAI_MODEL, messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } };
  const plan = { content };
  if (!stream) {
    const c = OM.buildCompletion(body, plan);
    c.choices[0].finish_reason = finish;
    return { status: 200, body: c };
  }
  const chunks = OM.buildChunks(body, plan);
  chunks.at(-2).choices[0].finish_reason = finish;
  return { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' },
    body: `${chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('')}data: [DONE]\n\n` };
}

const last = (mock) => mock.requests.at(-1);

/** A canned upstream stream: text, then two tool calls (Paris, London), in the upstream's dialect. */
function cannedMixed(upstream) {
  const sse = { status: 200, headers: { 'content-type': 'text/event-stream; charset=utf-8' } };
  if (upstream === 'anthropic') {
    const message = { id: 'msg_01MixedMixedMixedMixed01', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5',
      content: [{ type: 'text', text: MIXED_TEXT },
        ...MIXED_INPUTS.map((input, i) => ({ type: 'tool_use', id: `toolu_01Mixed${i}`, name: 'get_weather', input }))],
      stop_reason: 'tool_use', stop_sequence: null,
      usage: { input_tokens: 40, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 30 } };
    return { ...sse, body: AM.buildEvents(message).map(AM.sseFrame).join('') };
  }
  // OpenAI: the first call's arguments whole in its first chunk, both calls opened in one chunk, the
  // second call's arguments in pieces afterwards.
  const base = { id: 'chatcmpl-mixed', object: 'chat.completion.chunk', created: 1, model: OPENAI_MODEL };
  const ch = (delta, finish = null) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
  return { ...sse, body: ch({ role: 'assistant', content: '' }) + ch({ content: 'Let me ' }) + ch({ content: 'check both.' }) +
    ch({ tool_calls: [
      { index: 0, id: 'call_Mixed0', type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(MIXED_INPUTS[0]) } },
      { index: 1, id: 'call_Mixed1', type: 'function', function: { name: 'get_weather', arguments: '' } }] }) +
    ch({ tool_calls: [{ index: 1, function: { arguments: '{"location":' } }] }) +
    ch({ tool_calls: [{ index: 1, function: { arguments: '"London"}' } }] }) +
    ch({}, 'tool_calls') +
    `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 40, completion_tokens: 30, total_tokens: 70 } })}\n\n` +
    'data: [DONE]\n\n' };
}

// ---------------------------------------------------------------------------------------------

for (const name of PAIRS) {
  describe(name, () => {
    const P = () => fx.pairs[name];

    test('(a) plain completion: the text is the mock\'s', () => checks(name, ['text'], async (step) => {
      const p = P();
      if (p.client === 'openai') {
        const c = await p.sdk.chat.completions.create({ model: p.model, messages: [{ role: 'user', content: 'Hi!' }] });
        await step('text', () => {
          assert.equal(c.object, 'chat.completion');
          assert.equal(c.choices.length, 1);
          assert.equal(c.choices[0].message.role, 'assistant');
          assert.equal(c.choices[0].message.content, EXPECTED[p.upstream].text);
          assert.equal(c.choices[0].finish_reason, 'stop');
          assert.equal(p.mock.requests.length, 1);
          assert.equal(p.mock.requests[0].json.model, p.upstreamModel);
        });
      } else {
        const m = await p.sdk.messages.create({ model: p.model, max_tokens: 256, messages: [{ role: 'user', content: 'Hi!' }] });
        await step('text', () => {
          assert.equal(m.type, 'message');
          assert.equal(m.role, 'assistant');
          assert.match(m.id, /^msg_/);
          assert.deepEqual(m.content, [{ type: 'text', text: EXPECTED[p.upstream].text }]);
          assert.equal(m.stop_reason, 'end_turn');
          assert.equal(p.mock.requests.length, 1);
          assert.equal(p.mock.requests[0].json.model, p.upstreamModel);
        });
      }
    }));

    test('(a2) text with escapes, control and non-ASCII characters survives both ways', () => checks(name, ['text'], async (step) => {
      const p = P();
      const answer = p.upstream === 'anthropic' ? { text: WEIRD } : { content: WEIRD };
      for (const stream of [false, true]) {
        p.mock.reset();
        p.mock.enqueue(answer);
        await step('text', async () => {
          let got;
          if (p.client === 'openai') {
            const messages = [{ role: 'user', content: WEIRD }];
            got = stream ? assertOpenAIChunks(await openaiStream(p, { messages })).text
              : (await p.sdk.chat.completions.create({ model: p.model, messages })).choices[0].message.content;
          } else {
            const params = { max_tokens: 256, messages: [{ role: 'user', content: WEIRD }] };
            got = textOf(stream ? (await anthropicStream(p, params)).final : await p.sdk.messages.create({ model: p.model, ...params }));
          }
          assert.equal(got, WEIRD, `${stream ? 'stream' : 'non-stream'} answer`);
          const up = p.mock.requests[0].json.messages[0].content;
          assert.equal(typeof up === 'string' ? up : up.map((x) => x.text).join(''), WEIRD, 'the upstream got another prompt');
        });
      }
    }));

    test('(b) stream: text reassembled, event sequence valid', () => checks(name, ['stream'], async (step) => {
      const p = P();
      // The upstream spaces its events 25 ms apart: text must reach the client before the upstream is done.
      p.mock.enqueue({ streamDelayMs: 25 });
      if (p.client === 'openai') {
        const times = [];
        const chunks = await openaiStream(p, { messages: [{ role: 'user', content: 'Hi!' }], stream_options: { include_usage: true } }, { times });
        await step('stream', () => {
          const r = assertOpenAIChunks(chunks, { includeUsage: true });
          assert.equal(r.text, EXPECTED[p.upstream].text);
          assert.equal(r.finish, 'stop');
          assert.ok(chunks.length > 4, `the text came in ${chunks.length} chunks: not streamed`);
          assertIncremental(times[chunks.findIndex((c) => c.choices[0]?.delta?.content)], p.mock);
        });
      } else {
        const texts = [];
        let firstTextAt;
        const s = p.sdk.messages.stream({ model: p.model, max_tokens: 256, messages: [{ role: 'user', content: 'Hi!' }] });
        const events = [];
        s.on('streamEvent', (e) => events.push(structuredClone(e)));
        s.on('text', (t) => {
          firstTextAt ??= performance.now();
          texts.push(t);
        });
        const final = await s.finalMessage();
        await step('stream', () => {
          assertIncremental(firstTextAt, p.mock);
          const blocks = assertAnthropicEvents(events);
          assert.equal(blocks.length, 1);
          assert.deepEqual(blocks[0].start, { type: 'text', text: '' });
          assert.equal(texts.join(''), EXPECTED[p.upstream].text);
          assert.ok(texts.length > 2, `the text came in ${texts.length} deltas: not streamed`);
          assert.deepEqual(final.content, [{ type: 'text', text: EXPECTED[p.upstream].text }]);
          assert.equal(final.stop_reason, 'end_turn');
          assert.equal(events[0].message.role, 'assistant');
        });
      }
    }));

    test('(c) streamed round trip with two parallel tool calls, then the tool results → text', () =>
      checks(name, ['parallel tools', 'streamed arguments', 'tools'], async (step) => {
        const p = P();
        const want = EXPECTED[p.upstream].inputs;
        let answer;
        if (p.client === 'openai') {
          const q = { role: 'user', content: WEATHER_Q };
          const chunks = await openaiStream(p, { messages: [q], tools: [WEATHER_TOOL] });
          const r = assertOpenAIChunks(chunks);
          await step('parallel tools', () => {
            assert.equal(r.finish, 'tool_calls');
            assert.equal(r.calls.length, 2, JSON.stringify(r.calls));
            assert.notEqual(r.calls[0].id, r.calls[1].id);
            for (const c of r.calls) {
              assert.ok(c.id, 'a tool call without id');
              assert.equal(c.type, 'function');
              assert.equal(c.name, 'get_weather');
            }
          });
          await step('streamed arguments', () => {
            r.calls.forEach((c, i) => assert.deepEqual(JSON.parse(c.arguments), want[i], c.arguments));
            assert.ok(r.calls.every((c) => c.pieces >= 2), 'arguments did not arrive as deltas');
          });
          const assistant = { role: 'assistant', content: null,
            tool_calls: r.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) };
          const results = r.calls.map((c, i) => ({ role: 'tool', tool_call_id: c.id, content: `${JSON.parse(c.arguments).location}: ${18 - 6 * i}C` }));
          const chunks2 = await openaiStream(p, { messages: [q, assistant, ...results], tools: [WEATHER_TOOL] });
          const r2 = assertOpenAIChunks(chunks2);
          answer = { text: r2.text, finish: r2.finish, want: `Based on the tool results: ${results.map((x) => x.content).join('; ')}`,
            ids: r.calls.map((c) => c.id), results: results.map((x) => x.content) };
        } else {
          const q = { role: 'user', content: WEATHER_Q };
          const { events, final } = await anthropicStream(p, { messages: [q], tools: [ANTHROPIC_TOOL] });
          const blocks = assertAnthropicEvents(events);
          const uses = final.content.filter((b) => b.type === 'tool_use');
          await step('parallel tools', () => {
            assert.equal(final.stop_reason, 'tool_use');
            assert.equal(uses.length, 2, JSON.stringify(final.content));
            assert.notEqual(uses[0].id, uses[1].id);
            for (const u of uses) {
              assert.match(u.id, /^[a-zA-Z0-9_-]+$/);
              assert.equal(u.name, 'get_weather');
            }
          });
          await step('streamed arguments', () => {
            const toolBlocks = blocks.filter((b) => b.type === 'tool_use');
            assert.equal(toolBlocks.length, 2);
            toolBlocks.forEach((b, i) => {
              assert.deepEqual(b.start.input, {}, 'content_block_start carries input {}');
              const json = b.deltas.map((d) => d.partial_json).join('');
              assert.deepEqual(JSON.parse(json), want[i], json);
              assert.ok(b.deltas.filter((d) => d.partial_json).length >= 2, 'arguments did not arrive as deltas');
            });
            uses.forEach((u, i) => assert.deepEqual(u.input, want[i]));
          });
          const results = uses.map((u, i) => ({ type: 'tool_result', tool_use_id: u.id, content: `${u.input.location}: ${18 - 6 * i}C` }));
          const second = await anthropicStream(p, { tools: [ANTHROPIC_TOOL],
            messages: [q, { role: 'assistant', content: final.content }, { role: 'user', content: results }] });
          assertAnthropicEvents(second.events);
          answer = { text: textOf(second.final), finish: second.final.stop_reason,
            want: `Based on the tool results: ${results.map((x) => x.content).join('; ')}`,
            ids: uses.map((u) => u.id), results: results.map((x) => x.content) };
        }
        await step('tools', () => {
          assert.equal(answer.text, answer.want);
          assert.equal(answer.finish, p.client === 'openai' ? 'stop' : 'end_turn');
          assert.equal(p.mock.requests.length, 2);
          const up = p.mock.requests[1].json;
          if (p.upstream === 'openai') {
            const msgs = up.messages;
            assert.equal(msgs.length, 4, JSON.stringify(msgs));
            assert.deepEqual(msgs[1].tool_calls.map((t) => t.id), answer.ids);
            assert.deepEqual(msgs[1].tool_calls.map((t) => JSON.parse(t.function.arguments)), want);
            assert.deepEqual(msgs.slice(2).map((m) => m.role), ['tool', 'tool']);
            assert.deepEqual(msgs.slice(2).map((m) => m.tool_call_id), answer.ids);
            assert.equal(up.tools[0].function.name, 'get_weather');
          } else {
            const msgs = up.messages;
            assert.equal(msgs.length, 3, JSON.stringify(msgs));
            const uses = msgs[1].content.filter((b) => b.type === 'tool_use');
            assert.deepEqual(uses.map((b) => b.id), answer.ids);
            assert.deepEqual(uses.map((b) => b.input), want);
            assert.deepEqual(msgs[2].content.map((b) => [b.type, b.tool_use_id]), answer.ids.map((id) => ['tool_result', id]));
            assert.deepEqual(up.tools.map((t) => t.name), ['get_weather']);
            assert.deepEqual(up.tools[0].input_schema, WEATHER_TOOL.function.parameters);
          }
        });
      }));

    test('(c2) non-stream tool calls: two calls, arguments parse', () => checks(name, ['tools', 'parallel tools'], async (step) => {
      const p = P();
      const want = EXPECTED[p.upstream].inputs;
      if (p.client === 'openai') {
        const c = await p.sdk.chat.completions.create({ model: p.model, messages: [{ role: 'user', content: WEATHER_Q }], tools: [WEATHER_TOOL] });
        const tcs = c.choices[0].message.tool_calls ?? [];
        await step('parallel tools', () => {
          assert.equal(c.choices[0].finish_reason, 'tool_calls');
          assert.equal(tcs.length, 2, JSON.stringify(c.choices[0].message));
        });
        await step('tools', () => {
          tcs.forEach((tc, i) => {
            assert.equal(tc.type, 'function');
            assert.equal(tc.function.name, 'get_weather');
            assert.deepEqual(JSON.parse(tc.function.arguments), want[i]);
          });
        });
      } else {
        const m = await p.sdk.messages.create({ model: p.model, max_tokens: 1024, messages: [{ role: 'user', content: WEATHER_Q }], tools: [ANTHROPIC_TOOL] });
        const uses = m.content.filter((b) => b.type === 'tool_use');
        await step('parallel tools', () => {
          assert.equal(m.stop_reason, 'tool_use');
          assert.equal(uses.length, 2, JSON.stringify(m.content));
        });
        await step('tools', () => uses.forEach((u, i) => {
          assert.equal(u.name, 'get_weather');
          assert.deepEqual(u.input, want[i]);
        }));
      }
    }));

    test('(c3) stream with text, then two tool calls (arguments whole, or in pieces; two calls in one chunk)', () =>
      checks(name, ['streamed arguments', 'parallel tools'], async (step) => {
        const p = P();
        p.mock.enqueue(cannedMixed(p.upstream));
        if (p.client === 'openai') {
          const r = assertOpenAIChunks(await openaiStream(p, { messages: [{ role: 'user', content: WEATHER_Q }], tools: [WEATHER_TOOL] }));
          await step('parallel tools', () => {
            assert.equal(r.text, MIXED_TEXT);
            assert.equal(r.finish, 'tool_calls');
            assert.deepEqual(r.calls.map((c) => [c.type, c.name]), [['function', 'get_weather'], ['function', 'get_weather']]);
            assert.ok(r.calls[0].id && r.calls[1].id && r.calls[0].id !== r.calls[1].id, JSON.stringify(r.calls));
          });
          await step('streamed arguments', () => assert.deepEqual(r.calls.map((c) => JSON.parse(c.arguments)), MIXED_INPUTS));
        } else {
          const { events, final } = await anthropicStream(p, { messages: [{ role: 'user', content: WEATHER_Q }], tools: [ANTHROPIC_TOOL] });
          const blocks = assertAnthropicEvents(events);
          await step('parallel tools', () => {
            assert.deepEqual(blocks.map((b) => b.type), ['text', 'tool_use', 'tool_use']);
            assert.equal(textOf(final), MIXED_TEXT);
            assert.equal(final.stop_reason, 'tool_use');
            const uses = final.content.filter((b) => b.type === 'tool_use');
            assert.ok(uses[0].id !== uses[1].id && uses.every((u) => u.name === 'get_weather'), JSON.stringify(uses));
          });
          await step('streamed arguments', () => {
            assert.deepEqual(blocks.slice(1).map((b) => JSON.parse(b.deltas.map((d) => d.partial_json).join(''))), MIXED_INPUTS);
            assert.deepEqual(final.content.slice(1).map((b) => b.input), MIXED_INPUTS);
          });
        }
      }));

    test('(d) upstream errors surface as the SDK\'s error classes', () => checks(name, ['errors'], async (step) => {
      const p = P();
      const SDK = p.client === 'openai' ? OpenAI : Anthropic;
      const rateMsg = p.upstream === 'openai' ? 'Rate limit reached for requests' : 'Number of request tokens has exceeded your per-minute rate limit';
      const rate = p.upstream === 'openai'
        ? { status: 429, headers: { 'retry-after': '3' }, body: OM.openaiError(rateMsg, { type: 'requests', code: 'rate_limit_exceeded' }) }
        : { status: 429, headers: { 'retry-after': '3' }, body: anthropicError('rate_limit_error', rateMsg, 'req_011Crate') };
      const overMsg = p.upstream === 'openai' ? 'The server is overloaded or not ready yet.' : 'Overloaded';
      const overStatus = p.upstream === 'openai' ? 503 : 529;
      const over = p.upstream === 'openai'
        ? { status: 503, body: OM.openaiError(overMsg, { type: 'server_error' }) }
        : { status: 529, body: anthropicError('overloaded_error', overMsg, 'req_011Cover') };
      const call = (stream) => (p.client === 'openai'
        ? (stream ? openaiStream(p, { messages: [{ role: 'user', content: 'x' }] })
          : p.sdk.chat.completions.create({ model: p.model, messages: [{ role: 'user', content: 'x' }] }))
        : (stream ? anthropicStream(p, { messages: [{ role: 'user', content: 'x' }] })
          : p.sdk.messages.create({ model: p.model, max_tokens: 64, messages: [{ role: 'user', content: 'x' }] })));
      const caught = async (stream) => {
        try {
          await call(stream);
        } catch (e) {
          return e;
        }
        return assert.fail('the call did not throw');
      };
      // `times: 5` so that a retrying gateway still sees the error; reset() drops what is left.
      for (const stream of [false, true]) {
        p.mock.reset();
        p.mock.enqueue({ ...rate, times: 5 });
        await step('errors', async () => {
          const e = await caught(stream);
          assert.ok(e instanceof SDK.RateLimitError, `${stream ? 'stream: ' : ''}not a RateLimitError: ${e?.constructor?.name} ${e?.status} ${e?.message}`);
          assert.equal(e.status, 429);
          assert.ok(e.message.includes(rateMsg), e.message);
          assert.equal(e.headers?.get('retry-after'), '3');
          if (p.client === 'anthropic') assert.equal(e.error?.error?.type, 'rate_limit_error', JSON.stringify(e.error));
          else if (p.upstream === 'openai') assert.equal(e.code, 'rate_limit_exceeded');
        });
        p.mock.reset();
        p.mock.enqueue({ ...over, times: 5 });
        await step('errors', async () => {
          const o = await caught(stream);
          assert.ok(o instanceof SDK.InternalServerError, `not an InternalServerError: ${o?.constructor?.name} ${o?.status} ${o?.message}`);
          assert.equal(o.status, overStatus, `status ${o.status}: ${o.message}`);
          if (p.client === 'anthropic') {
            assert.ok(o instanceof (overStatus === 529 ? Anthropic.OverloadedError : Anthropic.ServiceUnavailableError), o.constructor.name);
          }
          assert.ok(o.message.includes(overMsg), o.message);
        });
      }
      if (p.upstream === 'anthropic') {
        // An error event in the middle of the stream (after message_start).
        p.mock.reset();
        p.mock.enqueue({ streamError: { type: 'overloaded_error', message: 'Overloaded' } });
        await step('errors', async () => {
          const e = await caught(true);
          assert.ok(e instanceof SDK.APIError, `mid-stream error: not an APIError: ${e?.constructor?.name} ${e?.message}`);
          assert.ok(e.message.includes('Overloaded'), e.message);
          if (p.client === 'anthropic') assert.equal(e.error?.error?.type, 'overloaded_error');
        });
      }
    }));

    test('(d2) an upstream that cuts the stream mid-way makes the SDK throw (no silent truncation)', () => checks(name, ['errors'], async (step) => {
      const p = P();
      p.mock.enqueue({ destroyMidStream: true });
      let outcome;
      try {
        if (p.client === 'openai') {
          const r = await openaiStream(p, { messages: [{ role: 'user', content: 'Hi!' }] });
          outcome = { resolved: true, text: r.map((c) => c.choices[0]?.delta?.content ?? '').join(''),
            finish: r.map((c) => c.choices[0]?.finish_reason).find(Boolean) ?? null };
        } else {
          const { final } = await anthropicStream(p, { messages: [{ role: 'user', content: 'Hi!' }] });
          outcome = { resolved: true, text: textOf(final), finish: final.stop_reason };
        }
      } catch (e) {
        outcome = { error: e };
      }
      await step('errors', () => {
        assert.ok(outcome.error, `the stream was cut by the upstream, yet the SDK returned normally: ${JSON.stringify(outcome)}`);
        assert.ok(outcome.error instanceof (p.client === 'openai' ? OpenAI.OpenAIError : Anthropic.AnthropicError), String(outcome.error));
      });
    }));

    test('(e) usage: input and output token counts present and > 0, stream included', () => checks(name, ['usage'], async (step) => {
      const p = P();
      const upstreamUsage = (rec) => (p.upstream === 'openai' ? (() => {
        if (rec.json.stream !== true) return JSON.parse(rec.responseBody.toString()).usage;
        const datas = rec.responseBody.toString().split('\n').filter((l) => l.startsWith('data: {')).map((l) => JSON.parse(l.slice(6)));
        return datas.at(-1).usage;
      })() : rec.usage && { input: rec.usage.total, output: rec.message.usage.output_tokens });
      const norm = (u) => (u && 'prompt_tokens' in u ? { input: u.prompt_tokens, output: u.completion_tokens } : u);
      if (p.client === 'openai') {
        const c = await p.sdk.chat.completions.create({ model: p.model, messages: [{ role: 'user', content: 'Hi!' }] });
        const chunks = await openaiStream(p, { messages: [{ role: 'user', content: 'Hi!' }], stream_options: { include_usage: true } });
        await step('usage', () => {
          for (const u of [c.usage, assertOpenAIChunks(chunks, { includeUsage: true }).usage]) {
            assert.ok(u.prompt_tokens > 0 && u.completion_tokens > 0, JSON.stringify(u));
            assert.equal(u.total_tokens, u.prompt_tokens + u.completion_tokens);
          }
          assert.deepEqual(norm(c.usage), norm(upstreamUsage(p.mock.requests[0])));
          assert.deepEqual(norm(chunks.at(-1).usage), norm(upstreamUsage(p.mock.requests[1])));
        });
      } else {
        const m = await p.sdk.messages.create({ model: p.model, max_tokens: 256, messages: [{ role: 'user', content: 'Hi!' }] });
        const { events, final } = await anthropicStream(p, { messages: [{ role: 'user', content: 'Hi!' }] });
        await step('usage', () => {
          for (const u of [m.usage, final.usage]) {
            assert.ok(u.input_tokens > 0 && u.output_tokens > 0, JSON.stringify(u));
          }
          // An Anthropic upstream reports input tokens at message_start; an OpenAI one only at the end
          // (the translated message_start says 0 and message_delta carries the counts).
          if (p.upstream === 'anthropic') assert.ok(events[0].message.usage.input_tokens > 0, JSON.stringify(events[0].message.usage));
          const total = (u) => ({ input: u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
            output: u.output_tokens });
          assert.deepEqual(total(m.usage), norm(upstreamUsage(p.mock.requests[0])));
          assert.deepEqual(total(final.usage), norm(upstreamUsage(p.mock.requests[1])));
          if (p.upstream === 'openai') {
            assert.equal(p.mock.requests[1].json.stream_options?.include_usage, true,
              'a translated stream must ask the OpenAI upstream for usage (stream_options.include_usage)');
          }
        });
      }
    }));

    test('(f) an image and a system prompt reach the upstream in its dialect', () => checks(name, ['images', 'system'], async (step) => {
      const p = P();
      if (p.client === 'openai') {
        await p.sdk.chat.completions.create({ model: p.model, messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: [{ type: 'text', text: 'What is in this image?' }, { type: 'image_url', image_url: { url: PNG_URL } }] },
        ] });
      } else {
        await p.sdk.messages.create({ model: p.model, max_tokens: 256, system: SYSTEM, messages: [{ role: 'user', content: [
          { type: 'text', text: 'What is in this image?' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_B64 } },
        ] }] });
      }
      const up = p.mock.requests[0]?.json;
      assert.ok(up, 'the upstream got no request');
      assert.equal(p.mock.requests[0].status, 200, p.mock.requests[0].responseBody.toString());
      if (p.upstream === 'openai') {
        await step('system', () => {
          assert.equal(up.messages[0].role, 'system', JSON.stringify(up.messages));
          const sys = up.messages[0].content;
          assert.equal(typeof sys === 'string' ? sys : sys.map((x) => x.text).join(''), SYSTEM);
          assert.equal(up.messages.length, 2);
        });
        await step('images', () => {
          const parts = up.messages[1].content;
          assert.ok(Array.isArray(parts), JSON.stringify(up.messages[1]));
          assert.deepEqual(parts.map((x) => x.type), ['text', 'image_url']);
          assert.equal(parts[0].text, 'What is in this image?');
          assert.equal(parts[1].image_url.url, PNG_URL);
        });
      } else {
        await step('system', () => {
          const sys = up.system;
          assert.equal(typeof sys === 'string' ? sys : sys.map((x) => x.text).join(''), SYSTEM, JSON.stringify(sys));
          assert.ok(up.messages.every((m) => m.role !== 'system'));
          assert.equal(up.messages.length, 1);
        });
        await step('images', () => {
          const blocks = up.messages[0].content;
          assert.ok(Array.isArray(blocks), JSON.stringify(up.messages[0]));
          assert.deepEqual(blocks.map((b) => b.type), ['text', 'image']);
          assert.deepEqual(blocks[1].source, { type: 'base64', media_type: 'image/png', data: PNG_B64 });
        });
      }
    }));

    test('(g) stop reasons map: end_turn/stop, max_tokens/length, tool_use/tool_calls, stop_sequence/stop', () =>
      checks(name, ['stop reasons'], async (step) => {
        const p = P();
        const oa = p.client === 'openai';
        const expect = (anthropicReason) => (oa
          ? { end_turn: 'stop', max_tokens: 'length', tool_use: 'tool_calls', stop_sequence: 'stop' }[anthropicReason] : anthropicReason);
        const hi = [{ role: 'user', content: 'Hi!' }];
        const reasonOf = async (params, { stream = false } = {}) => {
          if (oa) {
            if (!stream) {
              const c = await p.sdk.chat.completions.create({ model: p.model, ...params });
              return { reason: c.choices[0].finish_reason, text: c.choices[0].message.content };
            }
            const r = assertOpenAIChunks(await openaiStream(p, params));
            return { reason: r.finish, text: r.text };
          }
          const { max_tokens: maxTokens = 256, stop, tools, ...rest } = params;
          const q = { ...rest, max_tokens: maxTokens, ...(stop ? { stop_sequences: stop } : {}), ...(tools ? { tools: [ANTHROPIC_TOOL] } : {}) };
          if (!stream) {
            const m = await p.sdk.messages.create({ model: p.model, ...q });
            return { reason: m.stop_reason, text: textOf(m), stopSequence: m.stop_sequence };
          }
          const { events, final } = await anthropicStream(p, q);
          assertAnthropicEvents(events);
          return { reason: final.stop_reason, text: textOf(final), stopSequence: final.stop_sequence };
        };
        // end_turn / stop
        await step('stop reasons', async () => assert.equal((await reasonOf({ messages: hi })).reason, expect('end_turn')));
        // max_tokens / length (the OpenAI mock ignores max_tokens: it answers a canned "length" completion)
        for (const stream of [false, true]) {
          if (p.upstream === 'openai') p.mock.enqueue(cannedOpenAI('length', { stream }));
          await step('stop reasons', async () => {
            const r = await reasonOf({ messages: hi, max_tokens: 3 }, { stream });
            assert.equal(r.reason, expect('max_tokens'), `${stream ? 'stream' : 'non-stream'}: ${JSON.stringify(r)}`);
            assert.equal(r.text, 'Hello! I am');
            const up = last(p.mock).json;
            if (p.upstream === 'anthropic') assert.equal(up.max_tokens, 3);
            else assert.equal(up.max_tokens ?? up.max_completion_tokens, 3, JSON.stringify(up));
          });
        }
        // tool_use / tool_calls
        await step('stop reasons', async () =>
          assert.equal((await reasonOf({ messages: [{ role: 'user', content: WEATHER_Q }], tools: [WEATHER_TOOL] })).reason, expect('tool_use')));
        // stop_sequence / stop
        await step('stop reasons', async () => {
          const r = await reasonOf({ messages: hi, stop: ['upstream'] });
          const up = last(p.mock).json;
          if (p.upstream === 'anthropic') {
            assert.deepEqual(up.stop_sequences, ['upstream']);
            assert.equal(r.reason, expect('stop_sequence'));
            assert.equal(r.text, 'Hello! I am the mock Anthropic ');
            if (!oa) assert.equal(r.stopSequence, 'upstream');
          } else {
            // OpenAI does not say which stop sequence fired: "stop" is all an Anthropic client can get.
            assert.deepEqual(up.stop, ['upstream']);
            assert.ok(oa ? r.reason === 'stop' : ['end_turn', 'stop_sequence'].includes(r.reason), r.reason);
          }
        });
      }));

    test('(h) sampling and reasoning parameters are translated or dropped, never rejected', () =>
      checks(name, [PARAMS_ROW], async (step) => {
        const p = P();
        const hi = [{ role: 'user', content: 'Hi!' }];
        // Each request is checked on its own, so one rejected parameter does not hide another.
        const failures = [];
        const check = async (what, f) => {
          try {
            await step(PARAMS_ROW, f);
          } catch (e) {
            failures.push(`${what}: ${e.message.split('\n')[0]}`);
          }
        };
        if (p.client === 'openai') {
          await check('sampling', async () => {
            const c = await p.sdk.chat.completions.create({ model: p.model, messages: hi, temperature: 0.5, top_p: 0.9, seed: 7,
              frequency_penalty: 0.1, presence_penalty: 0.1, user: 'u-42', max_completion_tokens: 64 });
            assert.equal(c.choices[0].finish_reason, 'stop');
            const up = last(p.mock).json;
            assert.equal(up.temperature, 0.5);
            assert.equal(up.top_p, 0.9);
            if (p.upstream === 'anthropic') {
              assert.equal(up.max_tokens, 64);
              assert.deepEqual(up.metadata, { user_id: 'u-42' });
              for (const k of ['seed', 'frequency_penalty', 'presence_penalty', 'user', 'max_completion_tokens']) assert.ok(!(k in up), `${k} sent to Anthropic`);
            }
          });
          await check('reasoning_effort', async () => {
            const r = await p.sdk.chat.completions.create({ model: p.model, messages: hi, reasoning_effort: 'low', max_completion_tokens: 4000 });
            const up = last(p.mock).json;
            if (p.upstream === 'anthropic') {
              assert.equal(up.thinking?.type, 'enabled', JSON.stringify(up));
              assert.ok(up.thinking.budget_tokens >= 1024 && up.thinking.budget_tokens < up.max_tokens);
              assert.ok(!('reasoning_effort' in up));
              assert.ok(r.choices[0].message.reasoning_content, 'the thinking text did not come back as reasoning_content');
            } else {
              assert.equal(up.reasoning_effort, 'low');
            }
          });
        } else {
          // temperature / top_p / top_k exist up to anthropic-version 2023-06-01 (2026-10-21 removed them).
          await check('temperature/top_p/top_k', async () => {
            const m = await p.sdk.messages.create({ model: p.model, max_tokens: 64, messages: hi, temperature: 0.5, top_p: 0.9, top_k: 5,
              metadata: { user_id: 'u-42' } }, { headers: { 'anthropic-version': '2023-06-01' } });
            assert.equal(m.stop_reason, 'end_turn');
            const up = last(p.mock).json;
            assert.equal(up.temperature, 0.5);
            assert.equal(up.top_p, 0.9);
            if (p.upstream === 'openai') {
              assert.ok(!('top_k' in up), 'top_k sent to an OpenAI upstream (it rejects it)');
              assert.equal(up.user, 'u-42');
            } else {
              assert.equal(up.top_k, 5);
            }
          });
          await check('thinking', async () => {
            const t = await p.sdk.messages.create({ model: p.model, max_tokens: 2048, messages: hi, thinking: { type: 'enabled', budget_tokens: 1024 } });
            const up = last(p.mock).json;
            if (p.upstream === 'openai') {
              assert.ok(!('thinking' in up), 'thinking sent to an OpenAI upstream (it rejects it)');
              assert.equal(textOf(t), EXPECTED.openai.text);
            } else {
              assert.deepEqual(up.thinking, { type: 'enabled', budget_tokens: 1024 });
              assert.equal(t.content[0].type, 'thinking');
              assert.ok(t.content[0].signature);
            }
          });
        }
        if (failures.length) failRecorded(failures.join(' | '));
      }));
  });
}

// Auth and routing from both SDKs (not part of the table).
describe('gateway errors from both SDKs', () => {
  test('unknown model → NotFoundError (404) in both dialects, nothing sent upstream', async () => {
    await assert.rejects(fx.sdks.openai.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof OpenAI.NotFoundError && e.status === 404);
    await assert.rejects(fx.sdks.anthropic.messages.create({ model: 'no-such-model', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof Anthropic.NotFoundError && e.status === 404 && e.error?.error?.type === 'not_found_error');
    assert.equal(fx.mocks.openai.requests.length + fx.mocks.anthropic.requests.length, 0);
  });
  test('wrong key → AuthenticationError (401) in both dialects', async () => {
    const oa = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${fx.gw.url}/v1`, maxRetries: 0 });
    const an = new Anthropic({ apiKey: 'sk-wrong', baseURL: fx.gw.url, maxRetries: 0 });
    await assert.rejects(oa.chat.completions.create({ model: 'gpt-up', messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof OpenAI.AuthenticationError && e.status === 401);
    await assert.rejects(an.messages.create({ model: 'claude-up', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
      (e) => e instanceof Anthropic.AuthenticationError && e.status === 401 && e.error?.error?.type === 'authentication_error');
  });
  test('Anthropic SDK countTokens through the gateway (passthrough to the Anthropic upstream)', async () => {
    const r = await fx.sdks.anthropic.messages.countTokens({ model: 'claude-up', messages: [{ role: 'user', content: 'count me' }] });
    assert.ok(r.input_tokens > 0);
    assert.equal(fx.mocks.anthropic.requests[0].path.split('?')[0], '/v1/messages/count_tokens');
  });
});
