// A mock Google OAuth 2.0 token endpoint for service accounts (RFC 7523 JWT bearer grant), as
// Vertex AI clients use it (plain node:http, no deps).
//
//   import { startGoogleTokenMock } from './google-token-mock.mjs';
//   const tokens = await startGoogleTokenMock({ publicKey: pem, clientEmail: 'sa@p.iam.gserviceaccount.com', lifetimeS: 3599 });
//   tokens.tokenUri        // http://127.0.0.1:PORT/token   (the key file's token_uri)
//   tokens.requests        // every request: { …, verdict: 'issued' | 'invalid_grant: …', token }
//   tokens.authorize(h)    // true when h is "Bearer <a token issued here and not yet expired>"
//   tokens.enqueue({ status: 503 })   // common behaviours (lib/mock-server.mjs)
//
// POST /token, Content-Type application/x-www-form-urlencoded, grant_type
// urn:ietf:params:oauth:grant-type:jwt-bearer and assertion = a JWT whose header says RS256 and
// whose RS256 signature verifies with `publicKey` (node:crypto), iss = clientEmail, aud = the
// token URI, a scope, iat within 5 minutes of now and exp - iat at most one hour. Anything else is
// 400 {"error": "invalid_grant" | "unsupported_grant_type" | "invalid_request", "error_description"},
// as Google answers; a good assertion gets {"access_token": "ya29.mock…", "expires_in", "token_type": "Bearer"}.
import { createPublicKey, verify } from 'node:crypto';
import { createMockServer, randomId } from './lib/mock-server.mjs';

const GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const b64urlJson = (seg) => JSON.parse(Buffer.from(seg, 'base64url').toString('utf8'));

export async function startGoogleTokenMock({ publicKey, clientEmail, lifetimeS = 3599, host = '127.0.0.1', port = 0 } = {}) {
  const key = createPublicKey(publicKey);
  const issued = new Map();  // token → expiry (ms since epoch)
  let tokenUri = null;
  const srv = createMockServer({
    route,
    record: () => ({ verdict: null, token: null, claims: null }),
    onError: (res, rec, e) => srv.send(res, rec, 500, { error: 'internal_failure', error_description: e.message }),
  });

  /** null when the assertion is good, else [error, description]. */
  function check(assertion, rec) {
    const parts = String(assertion ?? '').split('.');
    if (parts.length !== 3) return ['invalid_grant', 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe.'];
    let header;
    let claims;
    try {
      header = b64urlJson(parts[0]);
      claims = b64urlJson(parts[1]);
    } catch {
      return ['invalid_request', 'Invalid JWT: not base64url JSON.'];
    }
    rec.claims = claims;
    if (header.alg !== 'RS256') return ['invalid_grant', `Invalid JWT: unsupported alg ${header.alg}.`];
    const good = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
    if (!good) return ['invalid_grant', 'Invalid JWT Signature.'];
    if (claims.iss !== clientEmail) return ['invalid_grant', 'Invalid email or User ID'];
    if (claims.aud !== tokenUri) return ['invalid_grant', 'Invalid JWT: Failed audience check.'];
    if (typeof claims.scope !== 'string' || !claims.scope) return ['invalid_scope', 'Invalid OAuth scope or ID token audience provided.'];
    const now = Math.floor(Date.now() / 1000);
    if (!Number.isInteger(claims.iat) || !Number.isInteger(claims.exp) || Math.abs(claims.iat - now) > 300 ||
        claims.exp - claims.iat > 3600 || claims.exp <= now) {
      return ['invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.'];
    }
    return null;
  }

  async function route(req, res, rec) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) return srv.send(res, rec, b.status, b.body ?? { error: 'internal_failure', error_description: 'mock error' }, b.headers);
    if (req.method !== 'POST' || new URL(rec.path, 'http://x').pathname !== '/token') {
      return srv.send(res, rec, 404, { error: 'not_found', error_description: 'Not Found' });
    }
    if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
      return srv.send(res, rec, 400, { error: 'invalid_request', error_description: 'Invalid Content-Type' });
    }
    const form = new URLSearchParams(rec.body.toString('utf8'));
    if (form.get('grant_type') !== GRANT) {
      rec.verdict = 'unsupported_grant_type';
      return srv.send(res, rec, 400, { error: 'unsupported_grant_type', error_description: `Invalid grant_type: ${form.get('grant_type')}` });
    }
    const bad = check(form.get('assertion'), rec);
    if (bad) {
      rec.verdict = `${bad[0]}: ${bad[1]}`;
      return srv.send(res, rec, 400, { error: bad[0], error_description: bad[1] });
    }
    const token = `ya29.mock${randomId(40)}`;
    issued.set(token, Date.now() + lifetimeS * 1000);
    rec.verdict = 'issued';
    rec.token = token;
    return srv.send(res, rec, 200, { access_token: token, expires_in: lifetimeS, token_type: 'Bearer' });
  }

  const mock = await srv.listen({ host, port });
  tokenUri = `${mock.url}/token`;
  return {
    ...mock,
    tokenUri,
    /** Whether an Authorization header carries a token issued here that has not expired. */
    authorize(header) {
      const m = /^Bearer (\S+)$/.exec(header ?? '');
      const expiry = m ? issued.get(m[1]) : undefined;
      return expiry !== undefined && Date.now() < expiry;
    },
    /** Tokens issued so far, in order. */
    issued: () => [...issued.keys()],
  };
}
