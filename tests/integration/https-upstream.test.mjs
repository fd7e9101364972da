// HTTPS upstreams: the gateway reaches an OpenAI-compatible upstream over TLS (certificate
// verified against the CA file named by SSL_CERT_FILE), reuses the TLS connection across
// requests, streams through it, and refuses an upstream whose certificate it cannot verify.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { gatewayConfig, postJSON, readSSE, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-tls-'));
const keyFile = path.join(dir, 'key.pem');
const certFile = path.join(dir, 'cert.pem');
execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
  '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });

let mock;
let tls;
let tlsUrl;
const tlsConnections = new Set();

/** A TLS front for the plain-HTTP mock: terminates TLS and pipes each request through. */
function startTlsFront(target) {
  const agent = new http.Agent({ keepAlive: true });
  const server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, (req, res) => {
    const up = http.request(`${target}${req.url}`, { method: req.method, headers: req.headers, agent }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.on('data', (d) => { res.write(d); });
      upRes.on('end', () => res.end());
    });
    req.pipe(up);
  });
  server.on('secureConnection', (s) => tlsConnections.add(s));
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  tls = await startTlsFront(mock.url);
  tlsUrl = `https://127.0.0.1:${tls.address().port}`;
});
after(async () => {
  tls?.closeAllConnections?.();
  await new Promise((r) => (tls ? tls.close(() => r()) : r()));
  await mock?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const body = { model: 'gpt-4o-mini', messages: [USER_HELLO] };

describe('HTTPS upstream', () => {
  test('completions and streams over TLS, one reused TLS connection', async () => {
    // One event loop: upstream connections are pooled per loop, so with one the four calls
    // must share one TLS connection.
    const gw = await startGateway({ config: gatewayConfig({ upstream: tlsUrl, server: { event_loops: 1 } }), env: { SSL_CERT_FILE: certFile } });
    try {
      for (let i = 0; i < 3; i++) {
        const res = await postJSON(`${gw.url}/v1/chat/completions`, body);
        assert.equal(res.status, 200, res.text);
        assert.equal(JSON.parse(res.text).object, 'chat.completion');
      }
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...body, stream: true }),
      });
      assert.equal(res.status, 200);
      const events = [];
      for await (const e of readSSE(res.body)) events.push(e.data);
      assert.equal(events.at(-1), '[DONE]');
      assert.ok(events.length > 2);
      assert.equal(mock.requests.length, 4, 'every request reached the upstream through TLS');
      assert.equal(tlsConnections.size, 1, 'the TLS connection is kept alive and reused');
    } finally {
      await gw.stop();
    }
  });

  test('an upstream certificate that does not verify → 502, never a plaintext fallback', async () => {
    const before = mock.requests.length;
    const gw = await startGateway({
      config: gatewayConfig({ upstream: tlsUrl }),
      env: { SSL_CERT_FILE: path.join(dir, 'missing.pem'), SSL_CERT_DIR: dir },
    });
    try {
      const res = await postJSON(`${gw.url}/v1/chat/completions`, body);
      assert.equal(res.status, 502, res.text);
      const e = JSON.parse(res.text).error;
      assert.equal(e.code, 'upstream_unreachable');
      assert.equal(mock.requests.length, before, 'nothing was sent to an unverified upstream');
    } finally {
      await gw.stop();
    }
  });
});
