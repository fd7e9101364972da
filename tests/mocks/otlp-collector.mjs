// A mock OpenTelemetry collector: OTLP/HTTP with JSON encoding on POST /v1/traces (plain
// node:http, no deps). It rejects what a collector rejects (another path: 404; another content
// type: 415; a body that is not an ExportTraceServiceRequest: 400) and checks every span against
// the OTLP JSON mapping (hex ids of the right length, int64 times as decimal strings, kind and
// status codes in range) and every attribute against `attributeTypes`, a table of attribute
// name → OTLP value type ('stringValue', 'intValue', 'doubleValue', 'boolValue', 'arrayValue')
// kept by the test. An unknown name or a wrong type is recorded in `problems`.
//
//   const c = await startOtlpCollector({ attributeTypes: { 'gen_ai.operation.name': 'stringValue', … } });
//   c.url            // http://127.0.0.1:PORT (endpoint: c.url + '/v1/traces')
//   startOtlpCollector({ tls: { key, cert } })   // the same over HTTPS (c.url is https://…)
//   c.spans          // every span received, with `resource` (its resource attributes, flattened)
//   c.problems       // one line per violation
//   c.enqueue({ status: 503 })   // answer the next export with this status
import http from 'node:http';
import https from 'node:https';

const HEX = (n) => new RegExp(`^[0-9a-f]{${n}}$`);
const DECIMAL = /^[0-9]+$/;
const VALUE_TYPES = ['stringValue', 'intValue', 'doubleValue', 'boolValue', 'arrayValue', 'kvlistValue', 'bytesValue'];

function checkValue(where, value, problems) {
  const keys = value && typeof value === 'object' ? Object.keys(value) : [];
  if (keys.length !== 1 || !VALUE_TYPES.includes(keys[0])) {
    problems.push(`${where}: an AnyValue must have exactly one of ${VALUE_TYPES.join(', ')}`);
    return undefined;
  }
  const [type] = keys;
  const v = value[type];
  const ok = {
    stringValue: () => typeof v === 'string',
    intValue: () => (typeof v === 'string' && /^-?[0-9]+$/.test(v)) || Number.isInteger(v),
    doubleValue: () => typeof v === 'number',
    boolValue: () => typeof v === 'boolean',
    arrayValue: () => v && Array.isArray(v.values),
  }[type];
  if (ok && !ok()) problems.push(`${where}: ${type} has a malformed value ${JSON.stringify(v)}`);
  return type;
}

function checkAttributes(where, attributes, table, problems) {
  const out = {};
  if (attributes === undefined) return out;
  if (!Array.isArray(attributes)) {
    problems.push(`${where}.attributes: expected an array`);
    return out;
  }
  for (const a of attributes) {
    if (typeof a?.key !== 'string' || a.key === '') { problems.push(`${where}: an attribute without a key`); continue; }
    if (a.key in out) problems.push(`${where}: attribute ${a.key} repeated`);
    const type = checkValue(`${where}.${a.key}`, a.value, problems);
    if (table) {
      if (!(a.key in table)) problems.push(`${where}: unknown attribute ${a.key}`);
      else if (type !== table[a.key]) problems.push(`${where}: ${a.key} is ${type}, expected ${table[a.key]}`);
    }
    out[a.key] = type ? a.value[type] : undefined;
  }
  return out;
}

function checkSpan(where, s, problems) {
  if (!HEX(32).test(s.traceId ?? '') || /^0+$/.test(s.traceId)) problems.push(`${where}: traceId must be 32 lower-case hex digits, not all zero`);
  if (!HEX(16).test(s.spanId ?? '') || /^0+$/.test(s.spanId)) problems.push(`${where}: spanId must be 16 lower-case hex digits, not all zero`);
  if (s.parentSpanId !== undefined && s.parentSpanId !== '' && !HEX(16).test(s.parentSpanId)) problems.push(`${where}: parentSpanId must be 16 hex digits`);
  if (typeof s.name !== 'string' || s.name === '') problems.push(`${where}: name is required`);
  if (!Number.isInteger(s.kind) || s.kind < 0 || s.kind > 5) problems.push(`${where}: kind ${s.kind} out of range`);
  for (const t of ['startTimeUnixNano', 'endTimeUnixNano'])
    if (!DECIMAL.test(s[t] ?? '')) problems.push(`${where}: ${t} must be a decimal string`);
  if (DECIMAL.test(s.startTimeUnixNano ?? '') && DECIMAL.test(s.endTimeUnixNano ?? '') && BigInt(s.endTimeUnixNano) < BigInt(s.startTimeUnixNano))
    problems.push(`${where}: ends before it starts`);
  if (s.status !== undefined && (typeof s.status !== 'object' || (s.status.code !== undefined && ![0, 1, 2].includes(s.status.code))))
    problems.push(`${where}: bad status ${JSON.stringify(s.status)}`);
}

export async function startOtlpCollector({ attributeTypes, host = '127.0.0.1', port = 0, tls } = {}) {
  const spans = [];
  const problems = [];
  const requests = [];
  const queue = [];
  const handler = (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      const answer = (status, obj) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
      if (req.method !== 'POST' || req.url !== '/v1/traces') return answer(404, { code: 5, message: 'not found' });
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return answer(415, { code: 3, message: 'unsupported content type' });
      let doc;
      try { doc = JSON.parse(body); } catch { problems.push('a body that is not JSON'); return answer(400, { code: 3, message: 'bad JSON' }); }
      if (!Array.isArray(doc?.resourceSpans)) { problems.push('no resourceSpans array'); return answer(400, { code: 3, message: 'bad request' }); }
      doc.resourceSpans.forEach((rs, i) => {
        const resource = checkAttributes(`resourceSpans[${i}].resource`, rs.resource?.attributes, null, problems);
        if (!Array.isArray(rs.scopeSpans)) problems.push(`resourceSpans[${i}]: scopeSpans must be an array`);
        (rs.scopeSpans ?? []).forEach((ss, j) => {
          (ss.spans ?? []).forEach((s, k) => {
            const where = `span ${s.name ?? k}`;
            checkSpan(where, s, problems);
            const attributes = checkAttributes(where, s.attributes, attributeTypes, problems);
            spans.push({ ...s, attributes, resource, scope: ss.scope });
          });
          if (!Array.isArray(ss.spans)) problems.push(`resourceSpans[${i}].scopeSpans[${j}]: spans must be an array`);
        });
      });
      const next = queue.shift();
      if (next?.status) return answer(next.status, { code: 14, message: 'unavailable' });
      return answer(200, { partialSuccess: {} });
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise((resolve) => server.listen(port, host, resolve));
  const url = `${tls ? 'https' : 'http'}://${host}:${server.address().port}`;
  return {
    url,
    spans,
    problems,
    requests,
    enqueue: (b) => queue.push(b),
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
