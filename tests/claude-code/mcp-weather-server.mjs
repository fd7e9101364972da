// A minimal MCP server over stdio (newline-delimited JSON-RPC 2.0, no deps) for the Claude Code
// tests. It offers one harmless local tool, `get_weather`, whose name the mocks pick on their own
// when asked to use a tool (`/weather/i`), so a tool turn needs no special mock behaviour.
//
//   get_weather({ location, unit? }) → "WEATHER-OK location=<location> …" (+ optional padding)
//
// Claude Code starts it from --mcp-config as `node mcp-weather-server.mjs`; the tool is then
// named `mcp__<server>__get_weather`. WEATHER_PAD=<n> appends n bytes of filler to every result
// (to make Claude Code count the result's tokens through /v1/messages/count_tokens).
// Every call is appended as one JSON line to $WEATHER_LOG when set.
import fs from 'node:fs';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';


const log = process.env.WEATHER_LOG;
const send = (msg) => process.stdout.write(`${JSON.stringify(msg)}\n`);

export const weatherText = (args, pad = Number(process.env.WEATHER_PAD ?? 0)) => {
  const base = `WEATHER-OK location=${args?.location ?? '?'} unit=${args?.unit ?? 'celsius'} forecast=sunny temperature=21`;
  if (!(pad > 0)) return base;
  const filler = ' lorem ipsum dolor sit amet consectetur adipiscing elit';
  return `${base}${filler.repeat(Math.ceil(pad / filler.length)).slice(0, pad)} END-OF-WEATHER`;
};

const TOOL = {
  name: 'get_weather',
  description: 'Get the current weather in a city (local test double, no network).',
  inputSchema: {
    type: 'object',
    properties: {
      location: { type: 'string', description: 'City name' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    },
    required: ['location'],
  },
};

function handle(msg) {
  const { id, method, params } = msg;
  if (id === undefined || id === null) return; // a notification (notifications/initialized, …)
  switch (method) {
    case 'initialize':
      return send({ jsonrpc: '2.0', id, result: {
        protocolVersion: params?.protocolVersion ?? '2025-06-18',
        capabilities: { tools: { listChanged: false } },
        serverInfo: { name: 'llmgw-weather', version: '0.0.0' },
      } });
    case 'ping':
      return send({ jsonrpc: '2.0', id, result: {} });
    case 'tools/list':
      return send({ jsonrpc: '2.0', id, result: { tools: [TOOL] } });
    case 'tools/call': {
      if (log) fs.appendFileSync(log, `${JSON.stringify({ name: params?.name, arguments: params?.arguments })}\n`);
      if (params?.name !== TOOL.name) {
        return send({ jsonrpc: '2.0', id, error: { code: -32602, message: `unknown tool ${params?.name}` } });
      }
      return send({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: weatherText(params.arguments) }], isError: false } });
    }
    case 'resources/list':
      return send({ jsonrpc: '2.0', id, result: { resources: [] } });
    case 'prompts/list':
      return send({ jsonrpc: '2.0', id, result: { prompts: [] } });
    default:
      return send({ jsonrpc: '2.0', id, error: { code: -32601, message: `method not found: ${method}` } });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    if (!line.trim()) return;
    let msg;
    try { msg = JSON.parse(line); } catch { return; }
    for (const m of Array.isArray(msg) ? msg : [msg]) handle(m);
  });
  rl.on('close', () => process.exit(0));
}
