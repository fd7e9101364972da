// Request validation of the mock OpenAI upstream: rejects what the real Chat Completions API
// rejects, with its messages, `param` paths and `code`s (the wire format, as documented and as
// observed in public error reports). Each check returns null (valid) or an OpenAI error object.

export const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];

// Top-level parameters the real API accepts; anything else gets "Unrecognized request argument".
const KNOWN_PARAMS = new Set([
  'model', 'messages', 'stream', 'stream_options', 'temperature', 'top_p', 'n', 'stop',
  'max_tokens', 'max_completion_tokens', 'presence_penalty', 'frequency_penalty', 'logit_bias',
  'logprobs', 'top_logprobs', 'user', 'seed', 'tools', 'tool_choice', 'parallel_tool_calls',
  'response_format', 'functions', 'function_call', 'service_tier', 'store', 'metadata',
  'modalities', 'audio', 'prediction', 'reasoning_effort', 'web_search_options',
  'prompt_cache_key', 'safety_identifier', 'verbosity',
]);

export function openaiError(message, { type = 'invalid_request_error', param = null, code = null } = {}) {
  return { error: { message, type, param, code } };
}

function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'an integer' : 'a decimal';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'boolean') return 'a boolean';
  return 'an object';
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const missing = (param) =>
  openaiError(`Missing required parameter: '${param}'.`, { param, code: 'missing_required_parameter' });
const badType = (param, expected, v) =>
  openaiError(`Invalid type for '${param}': expected ${expected}, but got ${typeName(v)} instead.`,
    { param, code: 'invalid_type' });

export const JSON_PARSE_ERROR = openaiError(
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using " +
  'your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not ' +
  'valid JSON. If you have trouble figuring out how to fix this, please contact us through our ' +
  'help center at help.openai.com.)');

/** Validates a parsed chat-completions body. Returns null or an OpenAI error body. */
export function validateChatRequest(body) {
  if (!isObject(body)) {
    return openaiError(`Invalid type for request body: expected an object, but got ${typeName(body)} instead.`,
      { code: 'invalid_type' });
  }
  for (const key of Object.keys(body)) {
    if (!KNOWN_PARAMS.has(key)) return openaiError(`Unrecognized request argument supplied: ${key}`);
  }
  // The real API answers a missing model with param null (not "model").
  if (body.model === undefined) return openaiError('you must provide a model parameter');
  if (typeof body.model !== 'string') return badType('model', 'a string', body.model);
  if (body.messages === undefined) return missing('messages');
  if (!Array.isArray(body.messages)) return badType('messages', 'an array of objects', body.messages);
  if (body.messages.length === 0) {
    return openaiError("Invalid 'messages': empty array. Expected an array with minimum length 1, " +
      'but got an empty array instead.', { param: 'messages', code: 'empty_array' });
  }
  const msgErr = validateMessages(body.messages);
  if (msgErr) return msgErr;
  if (body.tools !== undefined) {
    const toolErr = validateTools(body.tools);
    if (toolErr) return toolErr;
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean' && body.stream !== null) {
    return badType('stream', 'a boolean', body.stream);
  }
  if (body.stream_options != null && body.stream !== true) {
    return openaiError("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      { param: 'stream_options' });
  }
  return null;
}

function validateMessages(messages) {
  let pending = null; // { index, ids: Set } of the last assistant message with tool_calls
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const p = `messages[${i}]`;
    if (!isObject(m)) return badType(p, 'an object', m);
    if (m.role === undefined) return missing(`${p}.role`);
    if (!ROLES.includes(m.role)) {
      return openaiError(`Invalid value: '${m.role}'. Supported values are: 'system', 'assistant', ` +
        "'user', 'function', 'tool', and 'developer'.", { param: `${p}.role`, code: 'invalid_value' });
    }
    if (m.role !== 'tool' && pending && pending.ids.size > 0) {
      return unanswered(pending);
    }
    if (m.role === 'tool') {
      if (m.tool_call_id === undefined) return missing(`${p}.tool_call_id`);
      if (!pending) {
        return openaiError("Invalid parameter: messages with role 'tool' must be a response to a " +
          "preceeding message with 'tool_calls'.", { param: `messages.[${i}].role` });
      }
      if (!pending.ids.has(m.tool_call_id)) {
        return openaiError(`Invalid parameter: 'tool_call_id' of '${m.tool_call_id}' not found in ` +
          "'tool_calls' of previous message.", { param: `messages.[${i}].tool_call_id` });
      }
      pending.ids.delete(m.tool_call_id);
      if (m.content === undefined) return missing(`${p}.content`);
      continue;
    }
    pending = null;
    if (m.role === 'assistant' && m.tool_calls != null) {
      if (!Array.isArray(m.tool_calls)) return badType(`${p}.tool_calls`, 'an array of objects', m.tool_calls);
      const ids = new Set();
      for (let j = 0; j < m.tool_calls.length; j++) {
        const tc = m.tool_calls[j];
        const tp = `${p}.tool_calls[${j}]`;
        if (!isObject(tc)) return badType(tp, 'an object', tc);
        if (typeof tc.id !== 'string') return missing(`${tp}.id`);
        if (tc.type !== 'function') return missing(`${tp}.type`);
        if (!isObject(tc.function)) return missing(`${tp}.function`);
        if (typeof tc.function.name !== 'string') return missing(`${tp}.function.name`);
        if (typeof tc.function.arguments !== 'string') return missing(`${tp}.function.arguments`);
        ids.add(tc.id);
      }
      pending = { index: i, ids };
    } else if (m.role !== 'assistant' && m.content === undefined) {
      return missing(`${p}.content`);
    }
  }
  if (pending && pending.ids.size > 0) return unanswered(pending);
  return null;
}

function unanswered(pending) {
  return openaiError("An assistant message with 'tool_calls' must be followed by tool messages " +
    "responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: " +
    [...pending.ids].join(', '), { param: `messages.[${pending.index}].role` });
}

function validateTools(tools) {
  if (!Array.isArray(tools)) return badType('tools', 'an array of objects', tools);
  for (let i = 0; i < tools.length; i++) {
    const t = tools[i];
    const p = `tools[${i}]`;
    if (!isObject(t)) return badType(p, 'an object', t);
    if (t.type === undefined) return missing(`${p}.type`);
    if (t.type !== 'function') {
      return openaiError(`Invalid value: '${t.type}'. Supported values are: 'function' and 'custom'.`,
        { param: `${p}.type`, code: 'invalid_value' });
    }
    if (t.function === undefined) return missing(`${p}.function`);
    if (!isObject(t.function)) return badType(`${p}.function`, 'an object', t.function);
    if (t.function.name === undefined) return missing(`${p}.function.name`);
    if (typeof t.function.name !== 'string') return badType(`${p}.function.name`, 'a string', t.function.name);
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(t.function.name)) {
      return openaiError(`Invalid '${p}.function.name': string does not match pattern. Expected a ` +
        "string that matches the pattern '^[a-zA-Z0-9_-]+$'.", { param: `${p}.function.name`, code: 'invalid_value' });
    }
    const params = t.function.parameters;
    if (params !== undefined && !isObject(params)) {
      return badType(`${p}.function.parameters`, 'an object', params);
    }
  }
  return null;
}

// POST /v1/embeddings: the parameters the real API accepts, and its checks on each.
const EMBEDDING_PARAMS = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);

/** Embedding size of a model, as OpenAI reports it (text-embedding-3-large 3072, others 1536). */
export function embeddingSize(model) {
  return /text-embedding-3-large/.test(model) ? 3072 : 1536;
}

export function validateEmbeddingsRequest(body) {
  if (!isObject(body)) return openaiError('The request body must be a JSON object.');
  for (const k of Object.keys(body)) {
    if (!EMBEDDING_PARAMS.has(k)) return openaiError(`Unrecognized request argument supplied: ${k}`);
  }
  if (body.model === undefined) return openaiError('you must provide a model parameter');
  if (typeof body.model !== 'string') {
    return openaiError(`Invalid type for 'model': expected a string, but got ${typeName(body.model)} instead.`, { param: 'model' });
  }
  const bad = openaiError("'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.");
  const input = body.input;
  if (input === undefined) return openaiError("Missing required parameter: 'input'.", { param: 'input' });
  if (typeof input === 'string') {
    if (input.length === 0) return bad;
  } else if (Array.isArray(input)) {
    if (input.length === 0 || input.length > 2048) return bad;
    const kinds = new Set(input.map((e) => (typeof e === 'string' ? 's' : Number.isInteger(e) ? 'i' : Array.isArray(e) ? 'a' : 'x')));
    if (kinds.size !== 1 || kinds.has('x')) return bad;
    if (kinds.has('s') && input.some((e) => e.length === 0)) return bad;
    if (kinds.has('i') && input.some((e) => e < 0)) return bad;
    if (kinds.has('a') && input.some((a) => a.length === 0 || a.some((t) => !Number.isInteger(t) || t < 0))) return bad;
  } else {
    return bad;
  }
  if (body.encoding_format !== undefined && body.encoding_format !== 'float' && body.encoding_format !== 'base64') {
    return openaiError(`Invalid value for 'encoding_format': '${body.encoding_format}'. Supported values are: 'float' and 'base64'.`,
      { param: 'encoding_format', code: 'invalid_value' });
  }
  if (body.dimensions !== undefined) {
    if (!Number.isInteger(body.dimensions)) {
      return openaiError(`Invalid type for 'dimensions': expected an integer, but got ${typeName(body.dimensions)} instead.`,
        { param: 'dimensions', code: 'invalid_type' });
    }
    if (!/text-embedding-3/.test(body.model)) return openaiError('This model does not support specifying dimensions.');
    if (body.dimensions < 1 || body.dimensions > embeddingSize(body.model)) {
      return openaiError(`Invalid value for 'dimensions' = ${body.dimensions}. Must be between 1 and ${embeddingSize(body.model)}.`,
        { param: 'dimensions' });
    }
  }
  return null;
}
