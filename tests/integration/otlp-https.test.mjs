// sink-otlp over HTTPS: the host's http_post reaches a TLS collector whose certificate it
// verifies against the CA file named by SSL_CERT_FILE (as for upstreams), and sends nothing to
// one it cannot verify (a self-signed certificate it was not told to trust, or one naming
// another host), while requests are answered as usual.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { startOtlpCollector } from '../mocks/otlp-collector.mjs';
import { deployment, gatewayConfig, postJSON, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-otlp-tls-'));
function certificate(name, san) {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
    '-addext', `subjectAltName=${san}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert), certFile: cert };
}
const good = certificate('collector', 'IP:127.0.0.1');
const wrongName = certificate('elsewhere', 'DNS:collector.example');

let mock;
const collectors = [];
before(async () => { mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY }); });
after(async () => {
  await mock?.close();
  for (const c of collectors) await c.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function gatewayExportingTo(collector, certFile) {
  const config = gatewayConfig({
    deployments: [deployment({ alias: 'gpt-4o-mini', upstream: mock.url })],
    load: ['provider-openai', { path: 'sink-otlp', config: { endpoint: `${collector.url}/v1/traces`, batch_size: 1, service_name: 'llmgw-tls' } }],
  });
  config.sinks = ['sink-otlp'];
  return startGateway({ config, env: { SSL_CERT_FILE: certFile } });
}

async function waitFor(cond, ms) {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return cond();
}

test('spans reach an HTTPS collector whose certificate the trust store vouches for', async () => {
  const collector = await startOtlpCollector({ attributeTypes: null, tls: { key: good.key, cert: good.cert } });
  collectors.push(collector);
  assert.match(collector.url, /^https:/);
  const gw = await gatewayExportingTo(collector, good.certFile);
  try {
    const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'gpt-4o-mini', messages: [USER_HELLO] });
    assert.equal(res.status, 200);
    assert.ok(await waitFor(() => collector.spans.length >= 2, 5000), `spans arrived: ${collector.spans.length}`);
    assert.equal(collector.spans[0].resource['service.name'], 'llmgw-tls');
    assert.equal(collector.requests[0].headers['content-type'], 'application/json');
  } finally {
    await gw.stop();
  }
});

for (const [what, cert, trust] of [
  ['a self-signed certificate nobody said to trust', good, wrongName.certFile],
  ['a trusted certificate that names another host', wrongName, wrongName.certFile],
]) {
  test(`nothing is sent to a collector with ${what}; requests are unaffected`, async () => {
    const collector = await startOtlpCollector({ attributeTypes: null, tls: { key: cert.key, cert: cert.cert } });
    collectors.push(collector);
    const gw = await gatewayExportingTo(collector, trust);
    try {
      for (let i = 0; i < 3; i++) {
        const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'gpt-4o-mini', messages: [USER_HELLO] });
        assert.equal(res.status, 200);
      }
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(collector.requests.length, 0, 'no export got past the TLS handshake');
      assert.match(gw.logs(), /export to https:\/\/127\.0\.0\.1:\d+\/v1\/traces failed/);
    } finally {
      await gw.stop();
    }
  });
}
