#!/usr/bin/env python3
"""Writes the seed corpora (corpus/<target>/) from the repository's own fixtures and the raw string
literals of its unit tests, plus a few hand-written HTTP messages. Run again after adding
fixtures; libFuzzer grows its own working corpus from these (scripts/fuzz.sh).
A seed of a target that takes control bytes in front (see each target's header comment) starts
with plausible ones."""
import hashlib, pathlib, re

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
RAW = re.compile(r'R"([a-z]*)\((.*?)\)\1"', re.S)

def raw_strings(*paths):
    out = []
    for p in paths:
        out += [m.group(2).encode() for m in RAW.finditer((ROOT / p).read_text())]
    return out

def files(folder, *suffixes):
    return [p.read_bytes() for p in sorted((ROOT / folder).iterdir()) if p.suffix in suffixes]

def write(target, seeds):
    d = HERE / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    for s in seeds:
        (d / hashlib.sha1(s).hexdigest()[:16]).write_bytes(s)

OA = "plugins/provider-openai/tests/fixtures"
AN = "plugins/provider-anthropic/tests/fixtures"
json_requests = raw_strings("tests/unit/core/chat_request_scan_test.cpp", "tests/unit/core/routing_fields_test.cpp")
messages = raw_strings("tests/unit/anthropic/messages_request_scan_test.cpp",
                       "tests/unit/anthropic/to_canonical_request_test.cpp") + files(AN, ".json")
canonical = raw_strings("tests/unit/anthropic/from_canonical_response_test.cpp") + files(OA, ".json")
chunks = raw_strings("tests/unit/anthropic/stream_encoder_test.cpp")
oa_sse, an_sse = files(OA, ".sse"), files(AN, ".sse")
data_lines = [l[6:] for s in oa_sse for l in s.split(b"\n") if l.startswith(b"data: {")]

requests = [
    b"GET /health HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"model\":\"echo\"}",
    b"POST /v1/messages HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: v\r\n\r\n",
    b"POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
    b"POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost : a\r\nX: a\r\n b\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
    b"GET / HTTP/1.0\nHost: a\n\n",
]
responses = [
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ndata\r\n0\r\n\r\n",
    b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3\r\nConnection: close\r\n\r\nslow down",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.0 500 X\nX-Folded: a\n b\n\n",
]
chunked = [b"5\r\nhello\r\n0\r\n\r\n", b"a;ext=1\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n",
           b"FFFFFFFFFFFFFFFF\r\nx", b"0\r\n\r\n", b"3\nabc\n0\n\n"]

write("http_request_head", [b"\x05\x03" + r for r in requests])
write("http_request_diff", requests)
write("upstream_response", responses)
write("http_chunked_body", [b"\x01\x03\x05\x00\x00" + c for c in chunked] + [b"\x00\x07\x02\x00\x05hello world"])
write("sse_framer", [b"\x80\x05\x03" + s for s in oa_sse + an_sse] + [b"\x10\x01\x00data: 0123456789abcdefXYZ\n\n"])
write("chat_request_scan", json_requests)
write("messages_request_scan", [b"\x01" + m for m in messages])
write("anthropic_to_canonical", messages)
write("anthropic_from_canonical", canonical)
write("anthropic_stream_encoder", [b"\n".join(chunks)] + [b"\n".join(data_lines)] + chunks[:20])
write("openai_compat_stream", [b"\x07\x03" + s for s in oa_sse])
write("provider_openai", [b"\x00\x00\x05\x03" + s for s in files(OA, ".json")] +
      [b"\x02\x00\x05\x03" + s for s in oa_sse] +
      [b"\x08" + bytes([i]) + b"\x02\x00" + b'{"error":{"message":"m","type":"t","code":"c"}}' for i in (6, 15, 16)])
write("provider_anthropic", [b"\x00\x00\x05\x03" + s for s in files(AN, ".json")] +
      [b"\x01\x00\x05\x03" + s for s in files(AN, ".json")] +
      [b"\x02\x00\x05\x03" + s for s in an_sse] + [b"\x03\x00\x05\x03" + s for s in an_sse] +
      [b"\x06\x00\x05\x03" + s for s in an_sse] +
      [b"\x08" + bytes([i]) + b"\x02\x00" + b'{"type":"error","error":{"type":"overloaded_error","message":"m"}}'
       for i in (6, 15, 20)])
for p in ("gemini", "mistral", "ollama", "cohere"):  # their targets read the raw upstream bytes
    fixtures = ROOT / f"plugins/provider-{p}/tests/fixtures"
    write(f"provider_{p}", [f.read_bytes() for f in sorted(fixtures.iterdir())] + [b'{"error":{"message":"m"}}'])
# provider-bedrock: control bytes (stride, first cut, mode) then either "<event-type>\t<json>" lines
# (mode bit 0: framed by the target) or raw event-stream bytes framed here with zlib's CRC32.
import struct, zlib

def es_frame(headers, payload):
    h = b"".join(bytes([len(n)]) + n + b"\x07" + struct.pack(">H", len(v)) + v for n, v in headers)
    prelude = struct.pack(">II", 16 + len(h) + len(payload), len(h))
    m = prelude + struct.pack(">I", zlib.crc32(prelude)) + h + payload
    return m + struct.pack(">I", zlib.crc32(m))

BEDROCK_EVENTS = [
    (b"messageStart", b'{"role":"assistant","p":"ab"}'),
    (b"contentBlockDelta", b'{"contentBlockIndex":0,"delta":{"reasoningContent":{"text":"Hm."}}}'),
    (b"contentBlockDelta", b'{"contentBlockIndex":0,"delta":{"reasoningContent":{"signature":"c2ln"}}}'),
    (b"contentBlockDelta", b'{"contentBlockIndex":1,"delta":{"text":"Checking."}}'),
    (b"contentBlockStart", b'{"contentBlockIndex":2,"start":{"toolUse":{"toolUseId":"tooluse_a","name":"get_weather"}}}'),
    (b"contentBlockDelta", b'{"contentBlockIndex":2,"delta":{"toolUse":{"input":"{\\"location\\":"}}}'),
    (b"contentBlockDelta", b'{"contentBlockIndex":2,"delta":{"toolUse":{"input":"\\"Paris\\"}"}}}'),
    (b"contentBlockStop", b'{"contentBlockIndex":2}'),
    (b"messageStop", b'{"stopReason":"tool_use"}'),
    (b"metadata", b'{"usage":{"inputTokens":20,"outputTokens":12,"cacheReadInputTokens":1024,"cacheWriteInputTokens":24}}'),
]
bedrock_lines = b"\n".join(t + b"\t" + j for t, j in BEDROCK_EVENTS)
bedrock_raw = b"".join(es_frame([(b":event-type", t), (b":content-type", b"application/json"), (b":message-type", b"event")], j)
                       for t, j in BEDROCK_EVENTS)
write("provider_bedrock", [
    b"\x05\x03\x01" + bedrock_lines, b"\x01\x00\x03" + bedrock_lines,
    b"\x07\x02\x01" + b"\n".join(t + b"\t" + j for t, j in BEDROCK_EVENTS[:4]) + b'\n!throttlingException\t{"message":"slow down"}',
    b"\x09\x05\x00" + bedrock_raw, b"\x01\x01\x02" + bedrock_raw,
    b"\x03\x00\x00" + bedrock_raw[:-3] + b"\x00\x00\x00",
    b"\x00\x00\x00" + b'{"output":{"message":{"role":"assistant","content":[{"text":"Hi"},{"toolUse":{"toolUseId":"t","name":"f","input":{}}}]}},'
    b'"stopReason":"tool_use","usage":{"inputTokens":1,"outputTokens":2,"cacheReadInputTokens":3}}',
    b"\x00\x00\x13" + b'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/{"message":"Too many requests"}',
    b"\x00\x00\x00" + b'{"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"bad token AKIAEXAMPLE1"}',
])
write("config_yaml", [(ROOT / "config/llmgw.yaml").read_bytes()] +
      raw_strings(*[str(p.relative_to(ROOT)) for p in sorted((ROOT / "tests/unit/config").glob("*.cpp"))]))
