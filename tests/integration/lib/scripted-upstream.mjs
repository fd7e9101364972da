// A raw TCP upstream whose every answer is scripted byte by byte, for misbehaviour no HTTP
// library will produce: dripped heads, endless 1xx, bodies that never end, bytes after [DONE],
// connections closed at the worst moment. Requests are framed by Content-Length (what the
// gateway sends upstream).
//
//   const up = await startScriptedUpstream(async (socket, req) => { socket.write('HTTP/1.1 200 OK…'); });
//   up.url; up.requests (every request: { head, body, connection }); await up.close();
import net from 'node:net';

export async function startScriptedUpstream(handler) {
  const requests = [];
  const sockets = new Set();
  let connections = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const connection = ++connections;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    let served = 0;
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.subarray(0, end).toString('latin1');
        const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        const length = m ? Number(m[1]) : 0;
        if (buf.length < end + 4 + length) return;
        const body = buf.subarray(end + 4, end + 4 + length).toString('utf8');
        buf = buf.subarray(end + 4 + length);
        const req = { head, body, connection, index: served++ };
        requests.push(req);
        Promise.resolve(handler(socket, req)).catch(() => socket.destroy());
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connections,
    reset() { requests.length = 0; },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Writes `text` one byte every `everyMs` while the socket is open. */
export async function dripWrite(socket, text, everyMs) {
  for (const ch of text) {
    if (socket.destroyed) return;
    socket.write(ch);
    await sleep(everyMs);
  }
}

/** A whole OpenAI chat completion answer (HTTP/1.1 200, JSON, keep-alive). */
export function chatAnswer(content = 'hi', extraHeaders = '') {
  const body = JSON.stringify({
    id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
  });
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${extraHeaders}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** One OpenAI stream chunk event carrying `content`. */
export function chunkEvent(content) {
  return `data: ${JSON.stringify({
    id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: { content }, finish_reason: null }],
  })}\n\n`;
}

/** The head of a streamed answer (chunked SSE). */
export const STREAM_HEAD = 'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n';

/** Bytes as one HTTP chunk. */
export const chunk = (text) => `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
