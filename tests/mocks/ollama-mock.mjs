// A mock Ollama server speaking the native chat API (POST /api/chat; NDJSON streams, not SSE).
//
//   const mock = await startOllamaMock({ models: ['llama3.2'] });
//   mock.url / requests / enqueue / reset / close   (lib/mock-server.mjs; common behaviours)
//   mock.enqueue({ text: '…' } / { doneReason: 'length' } / { streamError: 'text' })
//
// Standalone: `node tests/mocks/ollama-mock.mjs --port 0`.
// Like Ollama (Go's encoding/json): unknown members are ignored, but a member of the wrong type is
// 400 "json: cannot unmarshal …"; a missing model is 400 "model is required"; a model not pulled is
// 404 "model \"x\" not found, try pulling it first"; tool-call arguments must be objects; images
// must be base64; format must be "json" or a JSON schema object; tools / think on a model without
// that capability are 400. `stream` defaults to true. Answers: tools + "weather" → two calls in one
// message; after tool results → "Based on the tool results: …"; format → JSON; options.num_predict
// cuts the text (done_reason "length"); think → a thinking field.
// POST /v1/chat/completions: Ollama's OpenAI-compatible layer (see openaiChat below).
// POST /api/embed: {model, input: string | [strings], dimensions?, truncate?, keep_alive?} →
// {model, embeddings: [[...]], total_duration, load_duration, prompt_eval_count}; input of another
// shape is 400 "invalid input type"; dimensions must be an integer 1..EMBED_SIZE (the model's
// size) else 400; a model not pulled is 404 as for chat.
import { tokensOfTexts, vectorFor } from './lib/embedding-vectors.mjs';
import { createMockServer, parseArgs, runStandalone } from './lib/mock-server.mjs';

export const MOCK_TEXT = 'Hello! I am the mock Ollama server. How can I help you today?';
export const THINKING_TEXT = 'The user says hello; greet back.';
export const WEATHER_ARGS = [{ location: 'Paris' }, { location: 'London' }];
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const words = (text) => text.match(/\s*\S+|\s+$/g) ?? [];
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const unmarshal = (what, field, type) => ({ status: 400, error: `json: cannot unmarshal ${what} into Go struct field ${field} of type ${type}` });
const kind = (v) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v);

function validate(body, { models, noTools, noThinking }) {
  if (!isObject(body)) return { status: 400, error: 'json: cannot unmarshal into Go value of type api.ChatRequest' };
  if (typeof body.model !== 'string' || !body.model) return { status: 400, error: 'model is required' };
  if (models && !models.includes(body.model)) return { status: 404, error: `model "${body.model}" not found, try pulling it first` };
  if (body.messages !== undefined && !Array.isArray(body.messages)) return unmarshal(kind(body.messages), 'ChatRequest.messages', '[]api.Message');
  for (const m of body.messages ?? []) {
    if (typeof m.content !== 'string' && m.content !== undefined) return unmarshal(kind(m.content), 'ChatRequest.messages.content', 'string');
    for (const img of m.images ?? []) if (typeof img !== 'string' || !BASE64.test(img)) return { status: 400, error: 'illegal base64 data at input byte 0' };
    for (const c of m.tool_calls ?? []) {
      if (!isObject(c.function?.arguments)) return unmarshal(kind(c.function?.arguments), 'ChatRequest.messages.tool_calls.function.arguments', 'api.ToolCallFunctionArguments');
    }
  }
  if (body.options !== undefined) {
    if (!isObject(body.options)) return unmarshal(kind(body.options), 'ChatRequest.options', 'map[string]interface {}');
    for (const k of ['num_predict', 'top_k', 'seed', 'num_ctx']) {
      if (body.options[k] !== undefined && !Number.isInteger(body.options[k])) return { status: 400, error: `option "${k}" must be of type integer` };
    }
    if (body.options.stop !== undefined && !Array.isArray(body.options.stop)) return { status: 400, error: 'option "stop" must be of type array' };
  }
  if (body.format !== undefined && body.format !== 'json' && body.format !== '' && !isObject(body.format)) {
    return { status: 400, error: `invalid format: ${JSON.stringify(body.format)}; expected "json" or a valid JSON Schema` };
  }
  if (body.tools?.length && noTools?.includes(body.model)) return { status: 400, error: `registry.ollama.ai/library/${body.model}:latest does not support tools` };
  if (body.think === true && noThinking?.includes(body.model)) return { status: 400, error: `"${body.model}" does not support thinking` };
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return unmarshal(kind(body.stream), 'ChatRequest.stream', 'bool');
  return null;
}

function sample(schema = {}) {
  const type = schema.type ?? 'string';
  if (type === 'object') return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, sample(v)]));
  if (type === 'array') return [sample(schema.items)];
  if (type === 'integer' || type === 'number') return 21;
  if (type === 'boolean') return true;
  return 'Paris';
}

function plan(body, b) {
  const msgs = body.messages ?? [];
  const last = msgs.at(-1) ?? { role: 'user', content: '' };
  if (b.text === undefined && body.tools?.length && last.role === 'user' && /\bweather\b/i.test(last.content ?? '')) {
    const name = body.tools[0].function.name;
    return { content: '', tool_calls: WEATHER_ARGS.map((args) => ({ function: { name, arguments: args } })), done_reason: 'stop' };
  }
  let content = b.text ?? MOCK_TEXT;
  if (b.text === undefined && last.role === 'tool') {
    content = `Based on the tool results: ${msgs.filter((m) => m.role === 'tool').map((m) => `${m.tool_name ?? '?'}=${m.content}`).join('; ')}`;
  } else if (b.text === undefined && body.format === 'json') {
    content = JSON.stringify({ answer: MOCK_TEXT });
  } else if (b.text === undefined && isObject(body.format)) {
    content = JSON.stringify(sample(body.format));
  }
  let doneReason = b.doneReason ?? 'stop';
  const max = body.options?.num_predict;
  if (max !== undefined && max >= 0 && words(content).length > max) {
    content = words(content).slice(0, max).join('');
    doneReason = 'length';
  }
  return { content, thinking: body.think ? THINKING_TEXT : undefined, done_reason: doneReason };
}

export const EMBED_SIZE = 768;

function validateEmbed(body, { models }) {
  if (!isObject(body)) return { status: 400, error: 'json: cannot unmarshal into Go value of type api.EmbedRequest' };
  if (typeof body.model !== 'string' || !body.model) return { status: 400, error: 'model is required' };
  if (models && !models.includes(body.model)) return { status: 404, error: `model "${body.model}" not found, try pulling it first` };
  const ok = typeof body.input === 'string' || (Array.isArray(body.input) && body.input.every((t) => typeof t === 'string'));
  if (!ok) return { status: 400, error: 'invalid input type' };
  if (body.dimensions !== undefined) {
    if (!Number.isInteger(body.dimensions)) return unmarshal(kind(body.dimensions), 'EmbedRequest.dimensions', 'int');
    if (body.dimensions < 1 || body.dimensions > EMBED_SIZE) return { status: 400, error: `invalid dimensions: must be between 1 and ${EMBED_SIZE}` };
  }
  if (body.truncate !== undefined && typeof body.truncate !== 'boolean') return unmarshal(kind(body.truncate), 'EmbedRequest.truncate', 'bool');
  return null;
}

export async function startOllamaMock({ host = '127.0.0.1', port = 0, models = null, noTools = [], noThinking = [] } = {}) {
  const srv = createMockServer({ route, record: () => ({ answer: null }), onError: (res, rec, e) => srv.send(res, rec, 500, { error: e.message }) });

  async function chat(req, res, rec) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) return srv.send(res, rec, b.status, b.body ?? { error: 'mock error' }, b.headers);
    if (rec.json === undefined) return srv.send(res, rec, 400, { error: 'invalid character looking for beginning of value' });
    const err = validate(rec.json, { models, noTools, noThinking });
    if (err) return srv.send(res, rec, err.status, { error: err.error });
    const body = rec.json;
    const p = plan(body, b);
    rec.answer = p;
    const now = () => new Date().toISOString();
    const promptTokens = Math.ceil(Buffer.byteLength(JSON.stringify(body.messages ?? [])) / 4);
    const evalCount = p.tool_calls ? 20 : words(p.content).length;
    const final = { done: true, done_reason: p.done_reason, total_duration: 4883583458, load_duration: 1334875,
      prompt_eval_count: promptTokens, prompt_eval_duration: 342546000, eval_count: evalCount, eval_duration: 4535599000 };
    if (body.stream === false) {
      const message = { role: 'assistant', content: p.content, ...(p.thinking ? { thinking: p.thinking } : {}),
        ...(p.tool_calls ? { tool_calls: p.tool_calls } : {}) };
      return srv.sendFull(res, rec, b, Buffer.from(JSON.stringify({ model: body.model, created_at: now(), message, ...final })));
    }
    const line = (o) => `${JSON.stringify({ model: body.model, created_at: now(), ...o })}\n`;
    const lines = [];
    if (p.thinking) lines.push(line({ message: { role: 'assistant', content: '', thinking: p.thinking }, done: false }));
    if (p.tool_calls) lines.push(line({ message: { role: 'assistant', content: '', tool_calls: p.tool_calls }, done: false }));
    for (const w of words(p.content)) lines.push(line({ message: { role: 'assistant', content: w }, done: false }));
    lines.push(line({ message: { role: 'assistant', content: '' }, ...final }));
    const frames = b.streamError ? [lines[0], `${JSON.stringify({ error: b.streamError })}\n`] : lines;
    // Ollama streams application/x-ndjson; the SSE helper only sets headers, the frames are lines.
    return srv.stream(res, rec, { ...b, headers: { 'content-type': 'application/x-ndjson', ...b.headers } }, frames);
  }

  async function embed(req, res, rec) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) return srv.send(res, rec, b.status, b.body ?? { error: 'mock error' }, b.headers);
    if (rec.json === undefined) return srv.send(res, rec, 400, { error: 'invalid character looking for beginning of value' });
    const err = validateEmbed(rec.json, { models });
    if (err) return srv.send(res, rec, err.status, { error: err.error });
    const body = rec.json;
    const texts = typeof body.input === 'string' ? [body.input] : body.input;
    const dims = body.dimensions ?? EMBED_SIZE;
    return srv.send(res, rec, 200, { model: body.model, embeddings: texts.map((t) => Array.from(vectorFor(t, dims))),
      total_duration: 14143917, load_duration: 1019500, prompt_eval_count: tokensOfTexts(texts) });
  }

  // Ollama's OpenAI-compatible layer (POST /v1/chat/completions): the same models and answers in
  // OpenAI's shapes (chatcmpl ids, system_fingerprint "fp_ollama", SSE chunks ending in
  // `data: [DONE]`, usage in a stream only with stream_options.include_usage); errors in OpenAI's
  // shape with Ollama's types (400 invalid_request_error, 404 not_found_error). The key is ignored.
  async function openaiChat(req, res, rec) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    const oaiError = (status, message) => srv.send(res, rec, status, { error: { message,
      type: status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error', param: null, code: null } });
    if (b.status) return srv.send(res, rec, b.status, b.body ?? { error: { message: 'mock error', type: 'api_error', param: null, code: null } }, b.headers);
    if (!isObject(rec.json)) return oaiError(400, 'invalid character looking for beginning of value');
    const body = rec.json;
    if (typeof body.model !== 'string' || !body.model) return oaiError(400, 'model is required');
    if (models && !models.includes(body.model)) return oaiError(404, `model "${body.model}" not found, try pulling it first`);
    if (!Array.isArray(body.messages) || body.messages.length === 0) return oaiError(400, '[] is too short - \'messages\'');
    const text = (c) => (typeof c === 'string' ? c : Array.isArray(c) ? c.map((x) => x.text ?? '').join('') : '');
    const p = plan({ ...body, messages: body.messages.map((m) => ({ ...m, content: text(m.content) })), tools: undefined }, b);
    rec.answer = p;
    const id = `chatcmpl-${Math.floor(Math.random() * 1000)}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = { prompt_tokens: Math.ceil(Buffer.byteLength(JSON.stringify(body.messages)) / 4),
      completion_tokens: words(p.content).length, total_tokens: 0 };
    usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const base = { id, created, model: body.model, system_fingerprint: 'fp_ollama' };
    if (!body.stream) {
      return srv.sendFull(res, rec, b, Buffer.from(JSON.stringify({ ...base, object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: p.content }, finish_reason: p.done_reason }], usage })));
    }
    const chunk = (choices, extra = {}) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
    const frames = words(p.content).map((w) => chunk([{ index: 0, delta: { role: 'assistant', content: w }, finish_reason: null }]));
    frames.push(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: p.done_reason }]));
    if (body.stream_options?.include_usage) frames.push(chunk([], { usage }));
    frames.push('data: [DONE]\n\n');
    return srv.stream(res, rec, b, frames);
  }

  function route(req, res, rec) {
    const path = rec.path.split('?')[0];
    if (req.method === 'POST' && path === '/v1/chat/completions') return openaiChat(req, res, rec);
    if (req.method === 'POST' && path === '/api/chat') return chat(req, res, rec);
    if (req.method === 'POST' && path === '/api/embed') return embed(req, res, rec);
    if (req.method === 'GET' && path === '/api/version') return srv.send(res, rec, 200, { version: '0.12.6' });
    return srv.send(res, rec, 404, '404 page not found', { 'content-type': 'text/plain' });
  }

  const mock = await srv.listen({ host, port });
  return { ...mock, baseURL: mock.url };
}

const FLAGS = { '--port': ['port', Number], '--host': ['host', String] };
await runStandalone(import.meta.url, startOllamaMock, (argv) => parseArgs(argv, FLAGS, Object.keys(FLAGS).join(' ')));
