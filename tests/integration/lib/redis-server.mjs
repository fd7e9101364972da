// A real redis-server for integration tests, on a port chosen at run time, without persistence;
// and a minimal RESP client for checks.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { closedPort } from './gateway.mjs';

export const HAVE_REDIS = !spawnSync('redis-server', ['--version']).error;

/** Parses one RESP value from `buf` at `i`: { value, end } or undefined when incomplete. */
function parseResp(buf, i = 0) {
  const eol = buf.indexOf('\r\n', i);
  if (eol < 0) return undefined;
  const type = buf[i];
  const line = buf.slice(i + 1, eol);
  if (type === '+' || type === '-') return { value: type === '-' ? new Error(line) : line, end: eol + 2 };
  if (type === ':') return { value: Number(line), end: eol + 2 };
  if (type === '$') {
    const n = Number(line);
    if (n < 0) return { value: null, end: eol + 2 };
    if (buf.length < eol + 2 + n + 2) return undefined;
    return { value: buf.slice(eol + 2, eol + 2 + n), end: eol + 2 + n + 2 };
  }
  if (type === '*') {
    const n = Number(line);
    const items = [];
    let at = eol + 2;
    for (let k = 0; k < n; k++) {
      const r = parseResp(buf, at);
      if (!r) return undefined;
      items.push(r.value);
      at = r.end;
    }
    return { value: items, end: at };
  }
  throw new Error(`unexpected RESP type ${type}`);
}

/** Runs one command on a fresh connection (ASCII arguments); resolves with its reply. */
export function redisCommand(port, ...args) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let buf = '';
    sock.setEncoding('latin1');
    sock.once('connect', () => sock.write(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`));
    sock.on('data', (d) => {
      buf += d;
      const r = parseResp(buf);
      if (r) { sock.destroy(); resolve(r.value); }
    });
    sock.once('error', reject);
  });
}

/** Starts redis-server; resolves with { port, proc, kill() } once it answers PING. */
export async function startRedis() {
  const port = await closedPort();
  const proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
  const redis = {
    port,
    proc,
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    },
  };
  for (let i = 0; i < 200; i++) {
    try {
      if (await redisCommand(port, 'PING') === 'PONG') return redis;
    } catch { /* not yet */ }
    await sleep(25);
  }
  await redis.kill();
  throw new Error(`redis-server did not start on port ${port}`);
}
