// A mock Cohere upstream speaking the v2 chat API (POST /v2/chat; SSE streams of typed events).
//
//   const mock = await startCohereMock({ apiKey: 'co-upstream' });
//   mock.url / requests / enqueue / reset / close   (lib/mock-server.mjs; common behaviours)
//   mock.enqueue({ text: '…' } / { streamError: 'text' })
//   startCohereMock({ minCacheTokens: 64 })   // usage.cached_tokens: a repeated prompt prefix this long
//
// Standalone: `node tests/mocks/cohere-mock.mjs --port 0 [--api-key K]`.
// Rejects as Cohere does ({"id", "message"} bodies): a missing or wrong Bearer token → 401
// "invalid api token"; an unknown member anywhere → 400 "invalid request: unknown field …"; an
// empty or missing messages list; a role other than system/user/assistant/tool; tool_choice other
// than REQUIRED / NONE; a tool result whose tool_call_id answers no earlier tool call.
// Answers: tools + "weather" (or REQUIRED) → a tool plan and two tool calls (ids
// "get_weather_<hex>"); after tool results → "Based on the tool results: …"; response_format →
// JSON; max_tokens cuts the text (MAX_TOKENS); thinking → a thinking content item.
// POST /v2/embed: {model, texts, input_type, embedding_types?, output_dimension?, truncate?} checked
// as Cohere does (cohere-embed-validate.mjs: input_type required, at most 96 texts,
// output_dimension on embed-v4 only) → {id, embeddings: {float: [[...]]}, texts, meta:
// {billed_units: {input_tokens}}, response_type: "embeddings_by_type"}.
import { randomBytes } from 'node:crypto';
import { cohereEmbedAnswer, validateCohereEmbed } from './cohere-embed-validate.mjs';
import { createMockServer, parseArgs, randomId, runStandalone } from './lib/mock-server.mjs';

export const MOCK_TEXT = 'Hello! I am the mock Cohere upstream. How can I help you today?';
export const TOOL_PLAN = 'I will look up the weather in both cities.';
export const THINKING_TEXT = 'A greeting deserves a greeting.';
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const words = (text) => text.match(/\s*\S+|\s+$/g) ?? [];
const REQUEST = new Set(['model', 'messages', 'tools', 'documents', 'citation_options', 'response_format', 'safety_mode', 'max_tokens',
  'stop_sequences', 'temperature', 'seed', 'frequency_penalty', 'presence_penalty', 'k', 'p', 'logprobs', 'tool_choice',
  'strict_tools', 'stream', 'thinking', 'priority']);
const MESSAGE = { system: ['role', 'content'], user: ['role', 'content'], assistant: ['role', 'content', 'tool_calls', 'tool_plan', 'citations'],
  tool: ['role', 'tool_call_id', 'content'] };
const bad = (message) => ({ status: 400, message: `invalid request: ${message}` });

function validate(body) {
  if (!isObject(body)) return bad('body must be a JSON object');
  for (const k of Object.keys(body)) if (!REQUEST.has(k)) return bad(`unknown field \`${k}\``);
  if (typeof body.model !== 'string') return bad('model is required');
  if (!Array.isArray(body.messages) || body.messages.length === 0) return bad('messages cannot be empty');
  const ids = new Set();
  for (const m of body.messages) {
    const known = MESSAGE[m?.role];
    if (!known) return bad(`invalid role \`${m?.role}\`, expected one of system, user, assistant, tool`);
    for (const k of Object.keys(m)) if (!known.includes(k)) return bad(`unknown field \`${k}\` in ${m.role} message`);
    if (Array.isArray(m.content)) {
      for (const part of m.content) {
        const allowed = { text: ['type', 'text'], image_url: ['type', 'image_url'], document: ['type', 'document'], thinking: ['type', 'thinking'] }[part?.type];
        if (!allowed) return bad(`invalid content type \`${part?.type}\``);
        for (const k of Object.keys(part)) if (!allowed.includes(k)) return bad(`unknown field \`${k}\` in content`);
      }
    }
    for (const c of m.tool_calls ?? []) {
      if (typeof c.function?.arguments !== 'string') return bad('tool call arguments must be a string');
      ids.add(c.id);
    }
    if (m.role === 'tool' && !ids.has(m.tool_call_id)) return bad(`tool call id \`${m.tool_call_id}\` does not match any previous tool call`);
    if (m.role === 'assistant' && m.content === undefined && !m.tool_calls?.length) return bad('assistant message must have content or tool_calls');
  }
  if (body.tool_choice !== undefined && !['REQUIRED', 'NONE'].includes(body.tool_choice)) return bad(`invalid tool_choice \`${body.tool_choice}\``);
  if (body.response_format !== undefined && !['text', 'json_object'].includes(body.response_format?.type)) return bad('invalid response_format type');
  return null;
}

function plan(body, b) {
  const last = body.messages.at(-1);
  const text = typeof last.content === 'string' ? last.content : (last.content ?? []).map((p) => p.text ?? '').join(' ');
  const tools = body.tools ?? [];
  if (b.text === undefined && tools.length && body.tool_choice !== 'NONE' && last.role === 'user' &&
    (body.tool_choice === 'REQUIRED' || /\bweather\b/i.test(text))) {
    const name = tools[0].function.name;
    return { tool_plan: TOOL_PLAN, finish: 'TOOL_CALL', tool_calls: ['Paris', 'London'].map((location) => ({
      id: `${name}_${randomBytes(4).toString('hex')}`, type: 'function', function: { name, arguments: JSON.stringify({ location }) } })) };
  }
  let content = b.text ?? MOCK_TEXT;
  if (b.text === undefined && last.role === 'tool') {
    content = `Based on the tool results: ${body.messages.filter((m) => m.role === 'tool').map((m) => m.content).join('; ')}`;
  } else if (b.text === undefined && body.response_format?.type === 'json_object') {
    const props = body.response_format.json_schema?.properties ?? { answer: {} };
    content = JSON.stringify(Object.fromEntries(Object.keys(props).map((k) => [k, k === 'city' ? 'Paris' : 'x'])));
  }
  let finish = 'COMPLETE';
  if (body.max_tokens !== undefined && words(content).length > body.max_tokens) {
    content = words(content).slice(0, body.max_tokens).join('');
    finish = 'MAX_TOKENS';
  }
  return { content, finish, thinking: body.thinking?.type === 'enabled' ? THINKING_TEXT : undefined };
}

// Cohere caches prompt prefixes on its own (no request parameter) and reports the prompt tokens
// that hit the cache in usage.cached_tokens ("The number of prompt tokens that hit the inference
// cache", the v2 API's Usage). The mock: a request whose messages share a prefix of at least
// minCacheTokens with an earlier one (same model) reports that prefix.
function sharedPrefixTokens(previous, text) {
  let best = 0;
  for (const p of previous) {
    let i = 0;
    while (i < p.length && i < text.length && p[i] === text[i]) i++;
    best = Math.max(best, Math.floor(i / 4));
  }
  return best;
}

export async function startCohereMock({ apiKey = null, host = '127.0.0.1', port = 0, minCacheTokens = 1024 } = {}) {
  const seenPrompts = new Map();  // model → prompt texts
  const srv = createMockServer({ route, record: () => ({ answer: null }),
    onError: (res, rec, e) => srv.send(res, rec, 500, { id: randomId(8), message: `mock failure: ${e.message}` }) });

  async function chat(req, res, rec) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) return srv.send(res, rec, b.status, b.body ?? { id: randomId(8), message: 'mock error' }, b.headers);
    if (apiKey !== null && req.headers.authorization !== `Bearer ${apiKey}`) return srv.send(res, rec, 401, { id: randomId(8), message: 'invalid api token' });
    if (rec.json === undefined) return srv.send(res, rec, 400, { id: randomId(8), message: 'invalid request: body is not valid JSON' });
    const err = validate(rec.json);
    if (err) return srv.send(res, rec, err.status, { id: randomId(8), message: err.message });
    const body = rec.json;
    const p = plan(body, b);
    rec.answer = p;
    const id = `${randomId(8)}-${randomId(4)}`;
    const input = Math.ceil(Buffer.byteLength(JSON.stringify(body.messages)) / 4);
    const output = p.content !== undefined ? words(p.content).length : 30;
    const promptText = JSON.stringify(body.messages);
    const seen = seenPrompts.get(body.model) ?? [];
    const shared = sharedPrefixTokens(seen, promptText);
    seenPrompts.set(body.model, [...seen.slice(-15), promptText]);
    const usage = { billed_units: { input_tokens: input, output_tokens: output }, tokens: { input_tokens: input + 200, output_tokens: output },
      cached_tokens: shared >= minCacheTokens ? Math.min(shared, input) : 0 };
    if (!body.stream) {
      const message = { role: 'assistant' };
      if (p.tool_calls) Object.assign(message, { tool_plan: p.tool_plan, tool_calls: p.tool_calls });
      else message.content = [...(p.thinking ? [{ type: 'thinking', thinking: p.thinking }] : []), { type: 'text', text: p.content }];
      return srv.sendFull(res, rec, b, Buffer.from(JSON.stringify({ id, message, finish_reason: p.finish, usage })));
    }
    const ev = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const frames = [ev('message-start', { id, delta: { message: { role: 'assistant', content: [], tool_plan: '', tool_calls: [], citations: [] } } })];
    if (p.tool_calls) {
      frames.push(ev('tool-plan-delta', { delta: { message: { tool_plan: p.tool_plan } } }));
      p.tool_calls.forEach((c, index) => {
        const half = c.function.arguments.length >> 1;
        frames.push(ev('tool-call-start', { index, delta: { message: { tool_calls: { ...c, function: { name: c.function.name, arguments: '' } } } } }));
        frames.push(ev('tool-call-delta', { index, delta: { message: { tool_calls: { function: { arguments: c.function.arguments.slice(0, half) } } } } }));
        frames.push(ev('tool-call-delta', { index, delta: { message: { tool_calls: { function: { arguments: c.function.arguments.slice(half) } } } } }));
        frames.push(ev('tool-call-end', { index }));
      });
    } else {
      let index = 0;
      if (p.thinking) {
        frames.push(ev('content-start', { index, delta: { message: { content: { type: 'thinking', thinking: '' } } } }));
        frames.push(ev('content-delta', { index, delta: { message: { content: { thinking: p.thinking } } } }));
        frames.push(ev('content-end', { index }));
        index++;
      }
      frames.push(ev('content-start', { index, delta: { message: { content: { type: 'text', text: '' } } } }));
      for (const w of words(p.content)) frames.push(ev('content-delta', { index, delta: { message: { content: { text: w } } } }));
      frames.push(ev('content-end', { index }));
    }
    if (b.streamError) frames.splice(2, frames.length, ev('message-end', { delta: { error: b.streamError, finish_reason: 'ERROR' } }));
    else frames.push(ev('message-end', { delta: { finish_reason: p.finish, usage } }));
    return srv.stream(res, rec, b, frames);
  }

  async function embed(req, res, rec) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) return srv.send(res, rec, b.status, b.body ?? { id: randomId(8), message: 'mock error' }, b.headers);
    if (apiKey !== null && req.headers.authorization !== `Bearer ${apiKey}`) return srv.send(res, rec, 401, { id: randomId(8), message: 'invalid api token' });
    if (rec.json === undefined) return srv.send(res, rec, 400, { id: randomId(8), message: 'invalid request: body is not valid JSON' });
    const err = validateCohereEmbed(rec.json, { model: rec.json?.model ?? '' });
    if (err) return srv.send(res, rec, 400, { id: randomId(8), message: err });
    return srv.send(res, rec, 200, cohereEmbedAnswer(rec.json, rec.json.model).answer);
  }

  function route(req, res, rec) {
    if (req.method === 'POST' && rec.path.split('?')[0] === '/v2/chat') return chat(req, res, rec);
    if (req.method === 'POST' && rec.path.split('?')[0] === '/v2/embed') return embed(req, res, rec);
    return srv.send(res, rec, 404, { id: randomId(8), message: 'Not Found' });
  }
  const mock = await srv.listen({ host, port });
  return { ...mock, baseURL: mock.url };
}

const FLAGS = { '--port': ['port', Number], '--host': ['host', String], '--api-key': ['apiKey', String] };
await runStandalone(import.meta.url, startCohereMock, (argv) => parseArgs(argv, FLAGS, Object.keys(FLAGS).join(' ')));
