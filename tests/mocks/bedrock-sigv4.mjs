// AWS Signature Version 4 as Bedrock checks it, with node:crypto (independent of the gateway's
// C++ signer): the mock verifies every request's Authorization header with it, and tests can sign.
//
//   signatureOf({ method, path, query, headers, body, secretAccessKey, region, service, signedHeaders, amzDate })
//   verify(req, body, { credentials: { [accessKeyId]: { secretAccessKey, sessionToken? } }, region, service, now })
//     → null when the signature holds, else { status, type, message } as AWS answers
import { createHash, createHmac } from 'node:crypto';

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => createHmac('sha256', key).update(data).digest();

/** AWS URI encoding: unreserved kept, everything else %XX (upper case); '/' kept when asked. */
export function uriEncode(s, keepSlash) {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c;
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Non-S3 canonical URI: the path as sent (already encoded) encoded once more, segment by segment. */
export const canonicalUri = (rawPath) => (rawPath ? uriEncode(rawPath, true) : '/');

/** The hex signature of a request under `secretAccessKey`. */
export function signatureOf({ method, path, query = '', headers, body, secretAccessKey, region, service, signedHeaders, amzDate }) {
  const canonicalHeaders = signedHeaders.map((h) => `${h}:${String(headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalQuery = query.split('&').filter(Boolean).map((p) => (p.includes('=') ? p : `${p}=`)).sort().join('&');
  const canonical = [method, canonicalUri(path), canonicalQuery, canonicalHeaders, signedHeaders.join(';'), sha256(body)].join('\n');
  const date = amzDate.slice(0, 8);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), 'aws4_request');
  return createHmac('sha256', key).update(toSign).digest('hex');
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9\-;]+), Signature=([0-9a-f]{64})$/;

const deny = (status, type, message) => ({ status, type, message });

/** Checks a request's SigV4 header as AWS does; null when it holds. */
export function verify(req, body, { credentials, region, service = 'bedrock', now = Date.now() }) {
  const auth = req.headers.authorization;
  if (!auth) return deny(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  const m = AUTH.exec(auth);
  if (!m) return deny(403, 'IncompleteSignatureException', `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${auth.split(' ')[0]}`);
  const [, keyId, date, scopeRegion, scopeService, signed, signature] = m;
  const cred = credentials[keyId];
  if (!cred) return deny(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  const amzDate = req.headers['x-amz-date'];
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== date)
    return deny(403, 'IncompleteSignatureException', 'Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP');
  if (scopeRegion !== region) return deny(403, 'InvalidSignatureException', `Credential should be scoped to a valid region, not '${scopeRegion}'. `);
  if (scopeService !== service) return deny(403, 'InvalidSignatureException', `Credential should be scoped to correct service: '${service}'. `);
  const t = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
  if (Math.abs(now - t) > 5 * 60_000) return deny(403, 'InvalidSignatureException', 'Signature expired: the request time is more than 5 minutes from the server time.');
  const signedHeaders = signed.split(';');
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date'))
    return deny(403, 'InvalidSignatureException', 'The request signature must cover the host and x-amz-date headers.');
  if (cred.sessionToken !== undefined && req.headers['x-amz-security-token'] !== cred.sessionToken)
    return deny(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  const hash = req.headers['x-amz-content-sha256'];
  if (hash !== undefined && hash !== sha256(body)) return deny(400, 'ValidationException', 'The provided x-amz-content-sha256 header does not match what was computed.');
  const [path, query = ''] = req.url.split('?');
  const expected = signatureOf({ method: req.method, path, query, headers: req.headers, body, secretAccessKey: cred.secretAccessKey,
    region, service, signedHeaders, amzDate });
  if (expected !== signature)
    return deny(403, 'InvalidSignatureException', 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
  return null;
}
