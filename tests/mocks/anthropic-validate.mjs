// Request model of the mock Anthropic upstream. validateRequest() rejects what the real Messages API
// rejects, with its (pydantic-style) messages, as documented and as seen in public error reports:
// each check returns null (valid) or { status, type, message }, which the mock wraps in Anthropic's
// error body { type: 'error', error: { type, message }, request_id }. promptItems() renders the
// prompt the way prompt caching sees it (tools → system → message blocks) for token accounting.

// 2026-10-21 is what the current SDK majors (TypeScript 1.x, Python 2.x) send by default.
export const API_VERSIONS = ['2023-06-01', '2023-01-01', '2026-10-21'];
export const API_VERSION_2026 = '2026-10-21';
export const MAX_BREAKPOINTS = 4;
export const THINKING_DOCS = 'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

// Body parameters (header-only ones such as `betas` are not body fields). The beta surface that
// Claude Code uses (`?beta=true`) adds a few; the mock accepts their union on both routes.
const MESSAGE_PARAMS = new Set([
  'model', 'messages', 'max_tokens', 'cache_control', 'container', 'inference_geo', 'metadata',
  'output_config', 'service_tier', 'stop_sequences', 'stream', 'system', 'temperature', 'thinking',
  'tool_choice', 'tools', 'top_k', 'top_p',
  'context_management', 'diagnostics', 'fallback_credit_token', 'fallbacks', 'mcp_servers',
  'output_format', 'speed',
]);
// count_tokens takes no max_tokens / stream / sampling parameters ("Extra inputs are not permitted").
const COUNT_PARAMS = new Set([
  'model', 'messages', 'cache_control', 'output_config', 'system', 'thinking', 'tool_choice', 'tools',
  'context_management', 'mcp_servers', 'output_format', 'speed',
]);

export const BLOCK_TYPES = ['text', 'image', 'document', 'search_result', 'thinking', 'redacted_thinking',
  'tool_use', 'tool_result', 'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result',
  'code_execution_tool_result', 'bash_code_execution_tool_result', 'text_editor_code_execution_tool_result',
  'tool_search_tool_result', 'container_upload'];
const TOOL_RESULT_CONTENT = ['text', 'image', 'document', 'search_result'];
const TOOL_USE_ID = /^[a-zA-Z0-9_-]+$/;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const SERVER_TOOL_TYPE = /^[a-z_]+_\d{8}$/; // web_search_20250305, bash_20250124, …

export function anthropicError(type, message, requestId = null) {
  return { type: 'error', error: { type, message }, request_id: requestId };
}
export const ERROR_TYPE_BY_STATUS = {
  400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error',
  413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error',
};

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const bad = (message) => ({ status: 400, type: 'invalid_request_error', message });
const required = (p) => bad(`${p}: Field required`);
const notA = (p, what) => bad(`${p}: Input should be a valid ${what}`);
const tags = (list) => list.map((t) => `'${t}'`).join(', ');
const badTag = (p, tag, list) => bad(`${p}: Input tag '${tag}' found using 'type' does not match any of the expected tags: ${tags(list)}`);

/** The API key of a request: `x-api-key`, or `Authorization: Bearer` (Claude Code may send that). */
export function apiKeyOf(headers) {
  if (typeof headers['x-api-key'] === 'string' && headers['x-api-key']) return headers['x-api-key'];
  const m = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return m ? m[1] : null;
}

/** Auth (401) then the anthropic-version header (400). */
export function validateHeaders(headers, apiKey) {
  const key = apiKeyOf(headers);
  if (key === null) return { status: 401, type: 'authentication_error', message: 'x-api-key header is required' };
  if (apiKey != null && key !== apiKey) return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
  const v = headers['anthropic-version'];
  if (v === undefined) return bad('anthropic-version: header is required');
  if (!API_VERSIONS.includes(v)) return bad(`anthropic-version: "${v}" is not a valid version`);
  return null;
}

function checkCacheControl(cc, p) {
  if (cc === undefined || cc === null) return null;
  if (!isObject(cc)) return notA(`${p}.cache_control`, 'dictionary');
  if (cc.type !== 'ephemeral') return bad(`${p}.cache_control.type: Input should be 'ephemeral'`);
  if (cc.ttl !== undefined && cc.ttl !== '5m' && cc.ttl !== '1h') return bad(`${p}.cache_control.ttl: Input should be '5m' or '1h'`);
  return null;
}

function checkNumber(body, key, { min, max, integer = false }) {
  const v = body[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || (integer && !Number.isInteger(v))) return notA(key, integer ? 'integer' : 'number');
  if (min !== undefined && v < min) return bad(`${key}: Input should be greater than or equal to ${min}`);
  if (max !== undefined && v > max) return bad(`${key}: Input should be less than or equal to ${max}`);
  return null;
}

function checkSystem(system) {
  if (system === undefined || typeof system === 'string') return null;
  if (!Array.isArray(system)) return bad('system: Input should be a valid string or a valid list');
  for (let i = 0; i < system.length; i++) {
    const b = system[i];
    const p = `system.${i}`;
    if (!isObject(b)) return notA(p, 'dictionary');
    if (b.type !== 'text') return bad(`${p}.type: Input should be 'text'`);
    if (b.text === undefined) return required(`${p}.text`);
    if (typeof b.text !== 'string') return notA(`${p}.text`, 'string');
    if (b.text === '') return bad('system: text content blocks must be non-empty');
    const e = checkCacheControl(b.cache_control, p);
    if (e) return e;
  }
  return null;
}

function checkTools(tools) {
  if (tools === undefined) return null;
  if (!Array.isArray(tools)) return notA('tools', 'list');
  const names = new Set();
  for (let i = 0; i < tools.length; i++) {
    const t = tools[i];
    const p = `tools.${i}`;
    if (!isObject(t)) return notA(p, 'dictionary');
    const type = t.type ?? 'custom';
    if (type !== 'custom' && !SERVER_TOOL_TYPE.test(String(type))) {
      return badTag(p, type, ['custom', 'bash_20250124', 'text_editor_20250728', 'web_search_20250305', 'web_fetch_20250910']);
    }
    const q = type === 'custom' ? `${p}.custom` : `${p}.${type}`;
    if (t.name === undefined) return required(`${q}.name`);
    if (typeof t.name !== 'string') return notA(`${q}.name`, 'string');
    if (type === 'custom') {
      if (!TOOL_NAME.test(t.name)) return bad(`${q}.name: String should match pattern '${TOOL_NAME.source}'`);
      if (t.input_schema === undefined) return required(`${q}.input_schema`);
      if (!isObject(t.input_schema)) return notA(`${q}.input_schema`, 'dictionary');
      if (t.input_schema.type !== 'object') return bad(`${q}.input_schema.type: Input should be 'object'`);
    }
    if (names.has(t.name)) return bad('tools: Tool names must be unique.');
    names.add(t.name);
    const e = checkCacheControl(t.cache_control, q);
    if (e) return e;
  }
  return null;
}

function checkToolChoice(tc) {
  if (tc === undefined) return null;
  if (!isObject(tc)) return notA('tool_choice', 'dictionary');
  const kinds = ['auto', 'any', 'tool', 'none'];
  if (!kinds.includes(tc.type)) return badTag('tool_choice', tc.type, kinds);
  if (tc.type === 'tool' && typeof tc.name !== 'string') return required('tool_choice.tool.name');
  return null;
}

function checkThinking(body, countTokens) {
  const t = body.thinking;
  if (t === undefined) return null;
  if (!isObject(t)) return notA('thinking', 'dictionary');
  const kinds = ['enabled', 'disabled', 'adaptive'];
  if (!kinds.includes(t.type)) return badTag('thinking', t.type, kinds);
  if (t.type === 'disabled') return null;
  if (t.type === 'enabled') {
    if (t.budget_tokens === undefined) return required('thinking.enabled.budget_tokens');
    if (!Number.isInteger(t.budget_tokens)) return notA('thinking.enabled.budget_tokens', 'integer');
    if (t.budget_tokens < 1024) return bad('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    if (!countTokens && body.max_tokens <= t.budget_tokens) {
      return bad('`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at ' +
        `${THINKING_DOCS}#max-tokens-and-context-window-size`);
    }
  }
  if (body.temperature !== undefined && body.temperature !== 1) {
    return bad('`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at ' +
      `${THINKING_DOCS}#feature-compatibility`);
  }
  if (body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool') {
    return bad('Thinking may not be enabled when tool_choice forces tool use.');
  }
  return null;
}

/** Normalised content blocks of a message (a string is shorthand for one text block). */
export function blocksOf(content) {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function checkBlock(b, p, role, signatures) {
  if (!isObject(b)) return notA(p, 'dictionary');
  if (b.type === undefined) return bad(`${p}: Unable to extract tag using discriminator 'type'`);
  if (!BLOCK_TYPES.includes(b.type)) return badTag(p, b.type, BLOCK_TYPES);
  const q = `${p}.${b.type}`;
  const str = (k) => (b[k] === undefined ? required(`${q}.${k}`) : typeof b[k] !== 'string' ? notA(`${q}.${k}`, 'string') : null);
  let e = checkCacheControl(b.cache_control, q);
  if (e) return e;
  switch (b.type) {
    case 'text':
      if ((e = str('text'))) return e;
      if (b.text === '') return bad('messages: text content blocks must be non-empty');
      return null;
    case 'image': case 'document':
      return isObject(b.source) ? null : b.source === undefined ? required(`${q}.source`) : notA(`${q}.source`, 'dictionary');
    case 'tool_use':
      if ((e = str('id'))) return e;
      if (!TOOL_USE_ID.test(b.id)) return bad(`${q}.id: String should match pattern '${TOOL_USE_ID.source}'`);
      if ((e = str('name'))) return e;
      if (b.input === undefined) return required(`${q}.input`);
      return isObject(b.input) ? null : notA(`${q}.input`, 'dictionary');
    case 'tool_result':
      if ((e = str('tool_use_id'))) return e;
      if (!TOOL_USE_ID.test(b.tool_use_id)) return bad(`${q}.tool_use_id: String should match pattern '${TOOL_USE_ID.source}'`);
      if (b.is_error !== undefined && typeof b.is_error !== 'boolean') return notA(`${q}.is_error`, 'boolean');
      if (b.content === undefined || typeof b.content === 'string') return null;
      if (!Array.isArray(b.content)) return bad(`${q}.content: Input should be a valid string or a valid list`);
      for (let k = 0; k < b.content.length; k++) {
        const c = b.content[k];
        if (!isObject(c) || !TOOL_RESULT_CONTENT.includes(c.type)) return badTag(`${q}.content.${k}`, c?.type, TOOL_RESULT_CONTENT);
        if (c.type === 'text' && typeof c.text !== 'string') return required(`${q}.content.${k}.text.text`);
      }
      return null;
    case 'thinking':
      if ((e = str('thinking')) || (e = str('signature'))) return e;
      if (role === 'assistant' && signatures && signatures.get(b.signature) !== b.thinking) {
        return bad(`${p}: Invalid \`signature\` in \`thinking\` block`);
      }
      return null;
    case 'redacted_thinking':
      return str('data');
    default:
      return null;
  }
}

function isEmpty(content) {
  return content === '' || (Array.isArray(content) && content.length === 0);
}

function checkMessages(body, { signatures, firstMessageUser, betas = [] }) {
  // A system message inside the conversation is accepted under this beta (Claude Code sends it).
  const midSystem = betas.includes('mid-conversation-system-2026-04-07');
  const msgs = body.messages;
  if (msgs === undefined) return required('messages');
  if (!Array.isArray(msgs)) return notA('messages', 'list');
  if (msgs.length === 0) return bad('messages: at least one message is required');
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    const p = `messages.${i}`;
    if (!isObject(m)) return notA(p, 'dictionary');
    if (m.role === undefined) return required(`${p}.role`);
    if (m.role === 'system' && midSystem) continue;
    if (m.role !== 'user' && m.role !== 'assistant') return bad(`${p}.role: Input should be 'user' or 'assistant'`);
    if (m.content === undefined) return required(`${p}.content`);
    if (typeof m.content !== 'string' && !Array.isArray(m.content)) return bad(`${p}.content: Input should be a valid string or a valid list`);
    const finalAssistant = i === msgs.length - 1 && m.role === 'assistant';
    if (isEmpty(m.content) && !finalAssistant) {
      return bad(`${p}: all messages must have non-empty content except for the optional final assistant message`);
    }
    const blocks = blocksOf(m.content);
    for (let j = 0; j < blocks.length; j++) {
      if (blocks[j]?.type === 'text' && blocks[j].text === '' && typeof m.content === 'string') continue; // final assistant ""
      const e = checkBlock(blocks[j], `${p}.content.${j}`, m.role, signatures);
      if (e) return e;
    }
    if (finalAssistant && blocks.at(-1)?.type === 'text' && /\s$/.test(blocks.at(-1).text)) {
      return bad('messages: final assistant content cannot end with trailing whitespace');
    }
  }
  // The real first-party API accepts an assistant first turn (Bedrock and older versions did not).
  if (firstMessageUser && msgs[0].role !== 'user') return bad('messages: first message must use the "user" role');
  return checkToolPairing(body, msgs);
}

/** Consecutive same-role messages form one turn; tool_result ↔ tool_use pairing is per turn. */
export function turnsOf(msgs) {
  const turns = [];
  msgs.forEach((m, i) => {
    if (m.role === 'system') return;  // mid-conversation system messages are not turns
    if (turns.at(-1)?.role !== m.role) turns.push({ role: m.role, items: [] });
    blocksOf(m.content).forEach((block, j) => turns.at(-1).items.push({ i, j, block }));
  });
  return turns;
}

function checkToolPairing(body, msgs) {
  const turns = turnsOf(msgs);
  for (let t = 0; t < turns.length; t++) {
    const turn = turns[t];
    if (turn.role !== 'user') continue;
    const prev = t > 0 ? turns[t - 1] : null;
    const offered = new Map((prev?.items ?? []).filter((x) => x.block?.type === 'tool_use').map((x) => [x.block.id, x]));
    for (const { i, j, block } of turn.items) {
      if (block?.type === 'tool_result' && !offered.has(block.tool_use_id)) {
        return bad(`messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ` +
          `${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
      }
    }
    // tool_result blocks must come first in the user turn that follows the tool_use blocks.
    const answered = new Set();
    for (const { block } of turn.items) {
      if (block?.type !== 'tool_result') break;
      answered.add(block.tool_use_id);
    }
    const missing = [...offered.keys()].filter((id) => !answered.has(id));
    if (missing.length) {
      return bad(`messages.${offered.get(missing[0]).i}: \`tool_use\` ids were found without \`tool_result\` blocks ` +
        `immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
    }
  }
  // With thinking on, the assistant turn being continued after tool results must start with thinking.
  const thinkingOn = body.thinking?.type === 'enabled' || body.thinking?.type === 'adaptive';
  const last = turns.at(-1);
  if (thinkingOn && last.role === 'user' && last.items[0]?.block?.type === 'tool_result' && turns.length > 1) {
    const first = turns.at(-2).items[0];
    if (first && first.block.type !== 'thinking' && first.block.type !== 'redacted_thinking') {
      return bad(`messages.${first.i}.content.${first.j}.type: Expected \`thinking\` or \`redacted_thinking\`, but found ` +
        `\`${first.block.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block ` +
        '(preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks ' +
        `from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at ${THINKING_DOCS}`);
    }
  }
  return null;
}

/** Number of cache_control breakpoints (tools, system, message blocks, plus a top-level one). */
export function countBreakpoints(body) {
  let n = body.cache_control ? 1 : 0;
  for (const t of Array.isArray(body.tools) ? body.tools : []) if (t?.cache_control) n++;
  for (const b of Array.isArray(body.system) ? body.system : []) if (b?.cache_control) n++;
  for (const m of body.messages) for (const b of blocksOf(m.content)) if (b?.cache_control) n++;
  return n;
}

/**
 * What API version 2026-10-21 rejects that 2023-06-01 accepts (migration guide): the sampling
 * parameters temperature / top_p / top_k (even at their defaults), a document block directly in an
 * assistant message, and a text block with non-empty citations in a user message (directly or in a
 * search_result block). The messages are the mock's own wording.
 */
function check2026(body) {
  for (const k of ['temperature', 'top_p', 'top_k']) {
    if (body[k] !== undefined) return bad(`${k}: is not supported in API version ${API_VERSION_2026}`);
  }
  const msgs = Array.isArray(body.messages) ? body.messages : [];
  for (let i = 0; i < msgs.length; i++) {
    const blocks = Array.isArray(msgs[i]?.content) ? msgs[i].content : [];
    for (let j = 0; j < blocks.length; j++) {
      const b = blocks[j];
      const p = `messages.${i}.content.${j}`;
      if (msgs[i].role === 'assistant' && b?.type === 'document') {
        return bad(`${p}: document blocks are not supported in assistant messages in API version ${API_VERSION_2026}`);
      }
      if (msgs[i].role !== 'user') continue;
      const texts = b?.type === 'text' ? [b] : b?.type === 'search_result' && Array.isArray(b.content) ? b.content : [];
      if (texts.some((t) => Array.isArray(t?.citations) && t.citations.length > 0)) {
        return bad(`${p}: text blocks with citations are not supported in user messages in API version ${API_VERSION_2026}`);
      }
    }
  }
  return null;
}

/**
 * Validates a parsed /v1/messages (or, with countTokens, /v1/messages/count_tokens) body.
 * `signatures`: Map signature → thinking text of the thinking blocks this upstream issued.
 * `apiVersion`: the request's anthropic-version (2026-10-21 adds the checks of check2026).
 */
/** An object schema of a structured output must be closed: additionalProperties false, at every level. */
function openObjectAt(schema, p) {
  if (!isObject(schema)) return null;
  if ((schema.type === 'object' || schema.properties) && schema.additionalProperties !== false) return p;
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'properties' || k === '$defs' || k === 'definitions') {
      for (const [name, sub] of Object.entries(isObject(v) ? v : {})) {
        const at = openObjectAt(sub, `${p}.${k}.${name}`);
        if (at) return at;
      }
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) { const at = openObjectAt(v[i], `${p}.${k}.${i}`); if (at) return at; }
    } else if (isObject(v)) {
      const at = openObjectAt(v, `${p}.${k}`);
      if (at) return at;
    }
  }
  return null;
}

/** output_config {effort?, format?: {type: "json_schema", schema}} (structured outputs). */
function checkOutputConfig(oc) {
  if (oc === undefined) return null;
  if (!isObject(oc)) return notA('output_config', 'dictionary');
  const f = oc.format;
  if (f === undefined || f === null) return null;
  if (!isObject(f) || f.type !== 'json_schema') return bad("output_config.format.type: Input should be 'json_schema'");
  if (!isObject(f.schema)) return required('output_config.format.schema');
  const open = openObjectAt(f.schema, 'schema');
  return open ? bad(`output_config.format: For 'object' type, 'additionalProperties' must be explicitly set to false (at ${open})`) : null;
}

export function validateRequest(body, { countTokens = false, signatures = null, firstMessageUser = false, apiVersion = null, betas = [] } = {}) {
  if (!isObject(body)) return bad('Input should be a valid dictionary');
  const allowed = countTokens ? COUNT_PARAMS : MESSAGE_PARAMS;
  for (const k of Object.keys(body)) if (!allowed.has(k)) return bad(`${k}: Extra inputs are not permitted`);
  if (body.model === undefined) return required('model');
  if (typeof body.model !== 'string') return notA('model', 'string');
  if (!countTokens) {
    if (body.max_tokens === undefined) return required('max_tokens');
    // max_tokens 0 is allowed: it pre-warms the prompt cache without generating (Messages API reference).
    const e = checkNumber(body, 'max_tokens', { min: 0, integer: true });
    if (e) return e;
  }
  const checks = [
    () => checkMessages(body, { signatures, firstMessageUser, betas }),
    () => checkSystem(body.system),
    () => checkTools(body.tools),
    () => checkToolChoice(body.tool_choice),
    () => checkNumber(body, 'temperature', { min: 0, max: 1 }),
    () => checkNumber(body, 'top_p', { min: 0, max: 1 }),
    () => checkNumber(body, 'top_k', { min: 0, integer: true }),
    () => (apiVersion === API_VERSION_2026 ? check2026(body) : null),
    () => checkThinking(body, countTokens),
    () => checkCacheControl(body.cache_control, 'cache_control'),
    () => checkOutputConfig(body.output_config),
    () => (body.stream !== undefined && typeof body.stream !== 'boolean' ? notA('stream', 'boolean') : null),
    () => (body.metadata !== undefined && !isObject(body.metadata) ? notA('metadata', 'dictionary') : null),
    () => {
      const s = body.stop_sequences;
      if (s === undefined) return null;
      if (!Array.isArray(s)) return notA('stop_sequences', 'list');
      const k = s.findIndex((x) => typeof x !== 'string');
      return k >= 0 ? notA(`stop_sequences.${k}`, 'string') : null;
    },
    () => {
      const n = countBreakpoints(body);
      return n > MAX_BREAKPOINTS ? bad(`A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${n}.`) : null;
    },
  ];
  for (const check of checks) {
    const e = check();
    if (e) return e;
  }
  return null;
}

/** JSON with object keys sorted (recursively), so equal content hashes equally. */
export function stableStringify(v) {
  if (Array.isArray(v)) return `[${v.map((x) => stableStringify(x === undefined ? null : x)).join(',')}]`;
  if (isObject(v)) {
    return `{${Object.keys(v).sort().filter((k) => v[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableStringify(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}
const stripCacheControl = (v) => (Array.isArray(v) ? v.map(stripCacheControl) : isObject(v)
  ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'cache_control').map(([k, x]) => [k, stripCacheControl(x)]))
  : v);
export const tokensOf = (text) => Math.ceil(Buffer.byteLength(text) / 4);

/** The prompt as Anthropic renders it for caching: tools, then system, then message blocks. */
export function promptItems(body) {
  const items = [];
  const push = (section, obj, cc) => {
    const text = stableStringify(stripCacheControl(obj));
    items.push({ section, text, tokens: tokensOf(text), ttl: cc ? (cc.ttl ?? '5m') : null });
  };
  for (const t of Array.isArray(body.tools) ? body.tools : []) push('tools', t, t.cache_control);
  const system = typeof body.system === 'string' ? [{ type: 'text', text: body.system }] : body.system ?? [];
  for (const b of system) push('system', b, b.cache_control);
  // Consecutive same-role messages are one turn: the role tags each block, not each message.
  for (const m of body.messages) for (const b of blocksOf(m.content)) push('messages', { role: m.role, block: b }, b.cache_control);
  // A top-level cache_control marks the last cacheable block (automatic caching).
  if (body.cache_control && items.length && !items.at(-1).ttl) items.at(-1).ttl = body.cache_control.ttl ?? '5m';
  return items;
}

// Vertex AI's Anthropic publisher (:rawPredict / :streamRawPredict): the model is in the URL, the
// API version in the body (Anthropic's "Claude on Vertex AI" documentation).
export const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';
/** What Vertex checks beyond the Messages request: no `model`, `anthropic_version` in the body. */
export function validateVertexBody(body) {
  if (!isObject(body)) return bad('Input should be a valid dictionary');
  if (body.model !== undefined) return bad('model: Extra inputs are not permitted');
  if (body.anthropic_version === undefined) return required('anthropic_version');
  if (body.anthropic_version !== VERTEX_ANTHROPIC_VERSION) {
    return bad(`anthropic_version: Input should be '${VERTEX_ANTHROPIC_VERSION}'`);
  }
  return null;
}

/** Vertex's count-tokens endpoint (publishers/anthropic/models/count-tokens:rawPredict): the
 *  count_tokens body names the model to count against ("Count tokens for Claude models"). */
export function validateVertexCountBody(body) {
  if (!isObject(body)) return bad('Input should be a valid dictionary');
  if (body.model === undefined) return required('model');
  if (typeof body.model !== 'string' || !/^claude-/.test(body.model)) return bad(`model: ${JSON.stringify(body.model)} is not a Claude model`);
  if (body.anthropic_version !== undefined && body.anthropic_version !== VERTEX_ANTHROPIC_VERSION) {
    return bad(`anthropic_version: Input should be '${VERTEX_ANTHROPIC_VERSION}'`);
  }
  return null;
}
