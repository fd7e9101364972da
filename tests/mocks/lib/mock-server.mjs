// The HTTP scaffolding every provider mock shares (plain node:http, no deps): request recording,
// the behaviour queue, JSON / SSE writers honouring the common behaviours, socket tracking,
// listen/close and the standalone `--port` CLI.
//
// Common behaviours (mock.enqueue({...})), on top of each mock's own:
//   status, body, headers   answer this status / body (object → JSON, string → as is) / headers;
//                           `status: 200` with a string body is a malformed answer when it is not JSON
//   times: N                the next N requests
//   hang: true              never answer (not even headers); the socket stays open until the
//                           client or close() ends it
//   delayMs                 wait this long before answering
//   streamDelayMs           space the SSE events out
//   Failures of a 200 answer, at the cut point: after `cutAfter` SSE events (default: half of
//   them; 0 = right after the headers), or after half of a JSON body:
//   destroyMidStream: true  close the connection (FIN)
//   resetMidStream: true    reset the connection (RST: the peer reads ECONNRESET)
//   stallMidStream: true    stop writing and never finish; with `stallHalfFrame: true` first write
//                           half of the next event (a partial SSE frame)
//   truncateStream: true    write half of the next event, then end the response cleanly (a
//                           well-framed HTTP answer whose SSE is cut off: no [DONE] / message_stop)
//
//   const srv = createMockServer({
//     route(req, res, rec) { … },            // answer one recorded request (may be async)
//     defaultHeaders: (rec) => ({ 'x-request-id': … }),   // on every JSON / SSE answer
//     record: (req) => ({ requestId: … }),   // provider-specific fields of each request record
//     onError(res, rec, err) { … },          // route threw before the headers were sent
//   });
//   const common = await srv.listen({ host, port });   // { port, url, requests, enqueue, pending,
//                                                      //   reset, waitForRequests, connectionCount, close }
//
// Each record: { method, path, headers, rawHeaders, body: Buffer, json, receivedAt (Date.now()),
// arrivedAt (performance.now(): monotonic ms, when the request was complete), status,
// responseHeaders, responseChunks, responseChunkTimes (performance.now() of each streamed write),
// eventsSent, finished, aborted, closedAt, closed (promise), responseBody, …record(req) }.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const randomId = (n) => [...randomBytes(n)].map((b) => ALNUM[b % ALNUM.length]).join('');
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function createMockServer({ route, defaultHeaders = () => ({}), record = () => ({}), onError }) {
  const requests = [];
  const queue = [];
  const sockets = new Set();

  /** The next queued behaviour ({} when none); `times: N` serves N requests. */
  function takeBehaviour() {
    const b = queue[0];
    if (!b) return {};
    if (--b.remaining <= 0) queue.shift();
    return b;
  }

  /** Takes the behaviour for this request, records it and waits its delayMs. */
  async function behaviourFor(rec) {
    const b = takeBehaviour();
    rec.behaviour = b;
    if (b.delayMs) await sleep(b.delayMs);
    return b;
  }

  function writeOut(res, rec, data) {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
    rec.responseChunks.push(buf);
    rec.responseChunkTimes.push(performance.now());
    return res.write(buf);
  }

  /** A whole answer: a JSON-serialised object, or a Buffer / string sent as is. */
  function send(res, rec, status, body, headers = {}) {
    const buf = Buffer.isBuffer(body) || typeof body === 'string' ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
    const h = { 'content-type': 'application/json', ...defaultHeaders(rec), ...headers, 'content-length': String(buf.length) };
    rec.status = status;
    rec.responseHeaders = h;
    res.writeHead(status, h);
    rec.responseChunks.push(buf);
    res.end(buf);
  }

  /** Resets the connection (RST) rather than closing it. */
  function resetConnection(res) {
    const s = res.socket;
    if (!s) return;
    if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
    else s.destroy();
  }

  /** Whether behaviour `b` breaks a 200 answer (see the behaviours above). */
  const breaks = (b) => b.destroyMidStream || b.resetMidStream || b.stallMidStream || b.truncateStream;

  /**
   * A 200 JSON answer; under destroyMidStream / resetMidStream / stallMidStream its first half and
   * then a closed socket / a reset / nothing more (truncateStream does not apply to JSON).
   */
  function sendFull(res, rec, b, full, cutHeaders = {}) {
    if (!b.destroyMidStream && !b.resetMidStream && !b.stallMidStream) return send(res, rec, 200, full, b.headers);
    rec.status = 200;
    rec.responseHeaders = { 'content-type': 'application/json', ...cutHeaders, 'content-length': String(full.length) };
    res.writeHead(200, rec.responseHeaders);
    writeOut(res, rec, full.subarray(0, full.length >> 1));
    if (b.stallMidStream) return undefined;
    return setTimeout(() => (b.resetMidStream ? resetConnection(res) : res.socket?.destroy()), 20);
  }

  /** An SSE answer of `frames` (strings), spaced by streamDelayMs, broken at the cut point as `b` says. */
  async function stream(res, rec, b, frames, onSent = () => {}) {
    rec.status = 200;
    rec.responseHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache',
      ...defaultHeaders(rec), ...b.headers };
    res.writeHead(200, rec.responseHeaders);
    res.flushHeaders();
    const cut = b.cutAfter ?? Math.max(1, frames.length >> 1);
    const half = (f) => f.slice(0, Math.max(1, f.length >> 1));
    for (let i = 0; i < frames.length; i++) {
      if (i > 0) await (b.streamDelayMs ? sleep(b.streamDelayMs) : new Promise((r) => setImmediate(r)));
      if (res.destroyed || rec.closedAt !== null) return;
      if (i === cut && breaks(b)) {
        rec.cutAt = performance.now();
        if (b.destroyMidStream) return res.socket?.destroy();
        if (b.resetMidStream) return resetConnection(res);
        if (b.stallMidStream) {
          if (b.stallHalfFrame) writeOut(res, rec, half(frames[i]));
          return undefined; // never finishes: the client (or close()) ends it
        }
        writeOut(res, rec, half(frames[i])); // truncateStream: a clean end in the middle of an event
        return res.end();
      }
      writeOut(res, rec, frames[i]);
      onSent(i);
      rec.eventsSent = i + 1;
    }
    res.end();
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let json;
      try { json = body.length ? JSON.parse(body.toString('utf8')) : undefined; } catch { json = undefined; }
      let onClosed;
      const rec = {
        method: req.method, path: req.url, headers: { ...req.headers }, rawHeaders: [...req.rawHeaders],
        body, json, receivedAt: Date.now(), arrivedAt: performance.now(), status: null, responseHeaders: null, responseChunks: [],
        responseChunkTimes: [], eventsSent: 0, finished: false, aborted: false, closedAt: null,
        closed: new Promise((r) => { onClosed = r; }),
        get responseBody() { return Buffer.concat(this.responseChunks); },
        ...record(req),
      };
      requests.push(rec);
      res.on('close', () => {
        rec.closedAt = Date.now();
        rec.finished = res.writableFinished;
        rec.aborted = !res.writableFinished;
        onClosed(rec);
      });
      Promise.resolve(route(req, res, rec)).catch((e) => {
        if (!res.headersSent) onError(res, rec, e);
        else res.destroy();
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  /** Starts listening; resolves to the handle part every mock exposes. */
  async function listen({ host = '127.0.0.1', port = 0 } = {}) {
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    const actualPort = server.address().port;
    return {
      port: actualPort,
      url: `http://${host}:${actualPort}`,
      requests,
      /** Queue a behaviour for the next request (`times: N` for the next N requests). */
      enqueue(behaviour = {}) { queue.push({ ...behaviour, remaining: behaviour.times ?? 1 }); },
      pending() { return queue.length; },
      /** Forget requests and queued behaviours. */
      reset() { requests.length = 0; queue.length = 0; },
      /** Monotonic arrival times (performance.now(), ms) of the requests received so far. */
      arrivals() { return requests.map((r) => r.arrivedAt); },
      /** Resolves once at least n requests were received (rejects after timeoutMs). */
      async waitForRequests(n, timeoutMs = 5000) {
        const end = Date.now() + timeoutMs;
        while (requests.length < n) {
          if (Date.now() > end) throw new Error(`mock: expected ${n} requests, got ${requests.length}`);
          await sleep(10);
        }
        return requests[n - 1];
      },
      /** Open connections from clients (the gateway's pool), for connection-reuse assertions. */
      connectionCount() { return sockets.size; },
      close() {
        for (const s of sockets) s.destroy();
        return new Promise((r) => server.close(() => r()));
      },
    };
  }

  return { server, requests, behaviourFor, writeOut, send, sendFull, stream, listen };
}

/**
 * Standalone CLI arguments. `flags` maps '--name' to [option] (the next argument as is),
 * [option, convert] (convert(next argument)) or [option, true] (a switch); anything else throws `unknown argument X (use <usage>)`.
 */
export function parseArgs(argv, flags, usage) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const f = Object.hasOwn(flags, argv[i]) ? flags[argv[i]] : undefined;
    if (!f) throw new Error(`unknown argument ${argv[i]} (use ${usage})`);
    opts[f[0]] = f[1] === true ? true : f[1] ? f[1](argv[++i]) : argv[++i];
  }
  return opts;
}

/** When `moduleUrl` is the script node was started with: start the mock, print "listening on PORT". */
export async function runStandalone(moduleUrl, start, options) {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const mock = await start(options(process.argv.slice(2)));
  process.stdout.write(`listening on ${mock.port}\n`);
  const stop = () => mock.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
