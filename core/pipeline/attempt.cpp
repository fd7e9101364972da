// Gateway::execute_once: one attempt on one deployment — body, encode, exchange, then decode or
// the stream pump (pipeline/stream_pump), answer.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <climits>
#include <unordered_map>

#include "pipeline/count_tokens.hpp"
#include "pipeline/encode_failure.hpp"
#include "pipeline/gateway.hpp"
#include "pipeline/provider_io.hpp"
#include "pipeline/retry_gate.hpp"
#include "pipeline/stream_pump.hpp"
#include "routing/deployment_state.hpp"
#include "pipeline/upstream_client.hpp"
#include "util/http_syntax.hpp"
#include "util/json_span.hpp"
#include "util/shrink.hpp"

namespace llmgw::pipeline {
namespace {

using canonical::ApiError;
using upstream::TransportError;
using upstream::TransportFailure;

canonical::ApiError transport_error(const TransportError& e) {
  canonical::ApiError err = e.failure() == TransportFailure::ConnectTimeout || e.failure() == TransportFailure::ReadTimeout
                     ? canonical::ApiError{504, "api_error", "upstream_timeout", "", e.what()}
                 : e.failure() == TransportFailure::TooLarge
                     ? canonical::ApiError{502, "api_error", "upstream_response_too_large", "", e.what()}
                     : canonical::ApiError{502, "api_error", "upstream_unreachable", "", e.what()};
  err.error_class = LLMGW_ERR_TRANSIENT;
  return err;
}

/// Parsed upstream URLs, cached per thread: providers usually return the same URL every call.
/// Entries are never removed (a suspended call may hold one); past 256, a URL is parsed into
/// the caller's `scratch` instead.
const upstream::Url* cached_url(const std::string& text, upstream::Url& scratch) {
  thread_local std::unordered_map<std::string, upstream::Url> cache;
  auto it = cache.find(text);
  if (it != cache.end()) return &it->second;
  auto parsed = upstream::parse_url(text);
  if (!parsed) return nullptr;
  if (cache.size() >= 256) {
    scratch = std::move(*parsed);
    return &scratch;
  }
  return &cache.emplace(text, std::move(*parsed)).first->second;
}

/// The client's headers as an llmgw_header array view for the provider.
std::vector<llmgw_header> no_headers;

/// The upstream response headers as llmgw_header views into the exchange's header lines (no
/// copies; valid while the exchange lives).
struct ResponseHeaders {
  std::vector<llmgw_header>& views;  // the call's storage, reused across calls
  ResponseHeaders(const upstream::HeaderLines& lines, std::vector<llmgw_header>& storage) : views(storage) {
    views.clear();
    for (std::size_t i = 0; i < lines.count; ++i) {
      const auto& [name, value] = lines.items[i];
      views.push_back({{name.data(), name.size()}, {value.data(), value.size()}});
    }
  }
  llmgw_upstream_response table(int status, std::string_view body) const {
    llmgw_upstream_response r{};
    r.struct_size = sizeof r;
    r.status = status;
    r.headers = views.data();
    r.header_count = views.size();
    r.body = llmgw_str{body.data(), body.size()};
    return r;
  }
};

/// Upstream response headers a client may rely on (request ids for support tickets, rate-limit
/// state); relayed on every answer, errors included. Only these: hop-by-hop headers, lengths
/// and encodings belong to each hop.
bool relayed_header(std::string_view name) {
  auto starts = [&](std::string_view prefix) {
    if (name.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
      if ((name[i] | 0x20) != prefix[i]) return false;
    return true;
  };
  return (name.size() == 10 && starts("request-id")) || (name.size() == 12 && starts("x-request-id")) ||
         starts("x-ratelimit-") || starts("anthropic-ratelimit-") || starts("openai-processing-ms") ||
         (name.size() == 11 && starts("retry-after")) || (name.size() == 14 && starts("retry-after-ms"));
}

void relay_headers(const ResponseHeaders& headers, Reply& reply) {
  for (const auto& h : headers.views) {
    std::string_view name(h.name.ptr, h.name.len), value(h.value.ptr, h.value.len);
    // The response parser refuses CR, LF and NUL already; checked again where they would leave.
    if (relayed_header(name) && util::is_field_value(value)) reply.add_header(name, value);
  }
}

/// The provider's headers are sent as they are: each must be one well-formed field line.
bool valid_headers(const RequestCollector& req) {
  for (std::size_t i = 0; i < req.header_count; ++i)
    if (!util::is_http_token(req.headers[i].first) || !util::is_field_value(req.headers[i].second)) return false;
  return true;
}

/// Decodes a whole upstream answer and replies with it.
int reply_whole(const Deployment& d, const llmgw_call& call, const ResponseHeaders& headers, int status,
                std::string_view body, Reply& reply, CallOutcome& outcome) {
  ResultCollector result;
  auto out = result.table();
  auto resp = headers.table(status, body);
  relay_headers(headers, reply);
  llmgw_status rc = d.provider->vtable().decode_response(d.provider->instance(), &call, &resp, &out);
  if (result.usage) outcome.usage = *result.usage;
  if (rc != LLMGW_OK || result.error) {
    canonical::ApiError err = result.error ? *result.error
                                : canonical::ApiError{502, "api_error", "bad_upstream_response", "", "the provider could not decode the upstream response"};
    reply.error(err);
    return err.status;
  }
  std::string_view answer = result.use_upstream_body ? body : std::string_view(result.body);
  int client_status = status >= 200 && status < 300 ? status : 200;
  reply.answer_usage(d.cfg.id, outcome.usage);
  reply.json(client_status, answer);
  return client_status;
}

/// A transport failure answered to the client: an error before its first byte, an error event
/// after it.
void answer_transport_error(const TransportError& e, Reply& reply, CallOutcome& outcome) {
  const canonical::ApiError err = transport_error(e);
  if (reply.committed()) {
    reply.stream_error(err);
    outcome.status = 200;
    outcome.broke_after_commit = true;
  } else {
    reply.error(err);
    outcome.status = err.status;
  }
}

/// The `echo:` loopback's stream: the request body is the whole upstream stream.
class EchoSource final : public StreamSource {
 public:
  explicit EchoSource(std::string_view body) : body_(body) {}
  boost::asio::awaitable<std::string_view> read(bool) override {
    const std::string_view piece = body_.substr(0, 16384);  // as an upstream's reads would come
    body_.remove_prefix(piece.size());
    co_return piece;
  }
  std::string_view take_buffered() override { return {}; }  // each piece goes through read
  bool has_buffered() const override { return !body_.empty(); }
  void abort() override { body_ = {}; }

 private:
  std::string_view body_;
};

/// An HTTP(S) upstream's stream: reads wait until the first-byte deadline before the client's
/// first byte, then at most the idle timeout (stream_timeout) between reads, never past the
/// attempt's end.
class ExchangeSource final : public StreamSource {
 public:
  ExchangeSource(upstream_client::AsyncExchange& exchange, int64_t attempt_end, int64_t first_byte_end, double idle_s)
      : exchange_(exchange), attempt_end_(attempt_end), first_byte_end_(first_byte_end), idle_s_(idle_s) {}
  // Not a coroutine: it hands over read_view's own awaitable (one frame per read, not two).
  boost::asio::awaitable<std::string_view> read(bool committed) override {
    const int64_t read_deadline = committed ? attempt_end_ : first_byte_end_;
    int64_t left = std::max<int64_t>(read_deadline - canonical::steady_ms(), 1);
    if (committed && idle_s_ > 0) left = std::min<int64_t>(left, static_cast<int64_t>(idle_s_ * 1000));
    const int wait_ms = static_cast<int>(std::min<int64_t>(left, INT32_MAX));
    return exchange_.read_view(wait_ms, read_deadline);
  }
  std::string_view take_buffered() override { return exchange_.take_buffered(); }
  bool has_buffered() const override { return exchange_.has_buffered(); }
  void abort() override { exchange_.abort(); }

 private:
  upstream_client::AsyncExchange& exchange_;
  int64_t attempt_end_, first_byte_end_;
  double idle_s_;  // 0: until the attempt's end
};

}  // namespace

boost::asio::awaitable<CallOutcome> Gateway::execute_once(const CallInput& input, Deployment& d, Reply& reply,
                                                         int64_t deadline_ms) {
  CallContext& ctx = *input.context;
  CallOutcome outcome;
  outcome.usage = copy_usage(nullptr);
  outcome.deployment = &d;
  const auto& vt = d.provider->vtable();
  const bool stream = input.stream;

  // 1. The body the provider gets. Passthrough: the client's bytes with only the model value
  //    rewritten. Otherwise the front-end translates the request to canonical form.
  std::string& rewritten = ctx.rewritten;
  std::string_view body = input.body;
  // The canonical form of the operation's body: OpenAI chat, or for embeddings OpenAI's
  // embeddings request (which an OpenAI-shaped provider sends as it is).
  const llmgw_dialect canonical_dialect =
      input.operation == LLMGW_OP_EMBEDDINGS ? LLMGW_DIALECT_OPENAI_EMBEDDINGS : LLMGW_DIALECT_OPENAI_CHAT;
  outcome.passthrough = vt.native_dialect == input.dialect;
  if (!outcome.passthrough && input.dialect != canonical_dialect) {
    if (!input.to_canonical) {
      reply.error(canonical::ApiError::invalid("model '" + d.cfg.alias + "' cannot be reached from this API", "model"));
      outcome.status = 400;
      co_return outcome;
    }
    if (auto rejected = input.to_canonical(input.to_canonical_ctx, input.body, d.cfg.model, rewritten)) {
      reply.error(*rejected);
      outcome.status = rejected->status;
      co_return outcome;
    }
    body = rewritten;
  } else if (input.model != d.cfg.model) {
    rewritten = util::replace_json_string_span(input.body, input.model_begin, input.model_end, d.cfg.model);
    body = rewritten;
  }
  const llmgw_dialect body_dialect = outcome.passthrough ? input.dialect : canonical_dialect;
  reply.set_upstream_dialect(body_dialect);
  llmgw_call call{};
  call.struct_size = sizeof call;
  call.operation = input.operation;
  call.body_dialect = body_dialect;
  call.client_dialect = input.dialect;
  call.body = {body.data(), body.size()};
  call.model = {d.cfg.model.data(), d.cfg.model.size()};
  call.stream = stream ? 1 : 0;
  const auto& ch = input.client_headers ? *input.client_headers : no_headers;
  call.client_headers = ch.data();
  call.client_header_count = ch.size();

  if (input.operation == LLMGW_OP_EMBEDDINGS && (vt.capabilities & LLMGW_CAP_EMBEDDINGS) == 0) {
    reply.error(canonical::ApiError::invalid("model '" + d.cfg.alias + "' (provider " + d.cfg.provider +
                                                 ") does not support embeddings",
                                             "model", "unsupported_feature"));
    outcome.status = 400;
    co_return outcome;
  }
  if (stream && !d.provider->has_stream()) {
    reply.error(canonical::ApiError::invalid("model '" + d.cfg.alias + "' does not support streaming", "stream", "unsupported_feature"));
    outcome.status = 400;
    co_return outcome;
  }

  // 2. Encode the upstream request.
  RequestCollector& req = ctx.request;
  req.reset();
  std::string& response_body = ctx.response_body;
  std::string encode_error;
  llmgw_writer err_writer{&encode_error, [](void* c, llmgw_str s) { static_cast<std::string*>(c)->append(s.ptr, s.len); }};
  auto req_out = req.table();
  llmgw_status rc = vt.encode_request(d.provider->instance(), &call, &req_out, &err_writer);
  if (rc == LLMGW_UNSUPPORTED && call.operation == LLMGW_OP_COUNT_TOKENS) {
    // A provider with LLMGW_CAP_COUNT_TOKENS that cannot count for this model: the estimate the
    // gateway gives any deployment that cannot count (pipeline/count_tokens.hpp).
    reply.json(200, count_tokens_estimate(input.body));
    outcome.status = 200;
    co_return outcome;
  }
  if (rc != LLMGW_OK) {
    canonical::ApiError e = encode_failure(rc, encode_error, d.cfg.provider, d.cfg.alias);
    if (e.status >= 500)
      spdlog::error("deployment {}: encode_request failed ({}): {}", d.cfg.id, static_cast<int>(rc), encode_error);
    outcome.status = e.status;
    reply.error(std::move(e));
    co_return outcome;
  }
  std::string_view upstream_body = req.use_call_body ? body : std::string_view(req.body);
  if (!valid_headers(req)) {
    spdlog::error("deployment {}: provider produced an invalid upstream header (CR, LF, NUL or a bad name)", d.cfg.id);
    reply.error(canonical::ApiError{500, "api_error", "bad_provider_header", "", "the provider produced an invalid upstream header"});
    outcome.status = 500;
    co_return outcome;
  }
  if (ctx.propagate_trace && !ctx.attempt_log.empty()) {  // W3C trace context: this attempt's span
    char traceparent[55];
    observe::format_traceparent(ctx.trace, ctx.attempt_log.back().span, traceparent);
    req.add_header("traceparent", std::string_view(traceparent, sizeof traceparent));
  }
  upstream::Url url_scratch;
  const upstream::Url* url = cached_url(req.url, url_scratch);
  if (!url) {
    spdlog::error("deployment {}: provider produced an invalid upstream URL", d.cfg.id);
    reply.error(canonical::ApiError{500, "api_error", "bad_provider_url", "", "the provider produced an invalid upstream URL"});
    outcome.status = 500;
    co_return outcome;
  }

  // 3a. Offline loopback ("echo:" URLs): the upstream answer is the request body itself.
  if (url->scheme == "echo") {
    static const upstream::HeaderLines none;
    ResponseHeaders headers(none, ctx.response_headers);
    if (!stream) {
      outcome.status = reply_whole(d, call, headers, 200, upstream_body, reply, outcome);
      co_return outcome;
    }
    EchoSource source(upstream_body);
    try {
      co_await pump_stream(d, call, headers.table(200, {}), source, reply, max_stream_event_bytes_,
                           canonical::steady_ms(), outcome);
    } catch (const TransportError& e) {
      answer_transport_error(e, reply, outcome);
    }
    co_return outcome;
  }

  // 3b. HTTP(S) upstream, from this loop's connection pool. A client that leaves ends the
  //     upstream exchange at once (its pending read fails with ClientGone).
  upstream_client::AsyncExchange exchange(loop_pool(), &ctx.upstream_headers);
  struct Unwatch {
    ClientWatch* client;
    ~Unwatch() {
      if (client) client->unwatch();
    }
  } unwatch{input.client};
  if (input.client) input.client->watch([&exchange] { exchange.cancel_for_client_gone(); });
  upstream_client::AsyncRequest out;
  out.method = req.method;
  out.url = url;
  out.headers = &req.headers;
  out.header_count = req.header_count;
  out.body = upstream_body;
  // Timeouts: each of the deployment's, and none past the attempt's end (its total timeout,
  // or the request deadline if sooner).
  const int64_t attempt_start = canonical::steady_ms();
  const int64_t attempt_end = std::min<int64_t>(attempt_start + static_cast<int64_t>(d.cfg.timeout_s * 1000), deadline_ms);
  // What is left of the attempt at `now` (the steady clock read by the caller: once per stretch
  // without suspension).
  auto left_ms = [&](double limit_s, int64_t now) {
    int64_t left = std::max<int64_t>(attempt_end - now, 1);
    if (limit_s > 0) left = std::min<int64_t>(left, static_cast<int64_t>(limit_s * 1000));
    return static_cast<int>(std::min<int64_t>(left, INT32_MAX));
  };
  // Time to first byte: to the response headers, and for a stream to its first whole event.
  const int64_t first_byte_end = d.cfg.first_byte_timeout_s > 0
      ? std::min<int64_t>(attempt_start + static_cast<int64_t>(d.cfg.first_byte_timeout_s * 1000), attempt_end)
      : attempt_end;
  out.connect_timeout_ms = std::min(d.cfg.connect_timeout_ms, left_ms(0, attempt_start));
  out.head_deadline_ms = first_byte_end;
  const double idle_s = d.cfg.stream_timeout_s;  // 0: until the attempt's end
  try {
    co_await exchange.start(out);
    const int status = exchange.status();
    if (!stream || status < 200 || status >= 300) {
      outcome.ttft_us = (canonical::steady_ms() - attempt_start) * 1000;
      // A 2xx: the upstream took the request and did the work, so whatever happens next
      // (a cut or undecodable body), it is not sent again.
      outcome.upstream_accepted = status >= 200 && status < 300;
      co_await exchange.read_all(response_body, attempt_end, max_upstream_body_bytes_);
      exchange.finish();
      ResponseHeaders headers(exchange.headers(), ctx.response_headers);
      outcome.status = reply_whole(d, call, headers, status, response_body, reply, outcome);
      co_return outcome;
    }
    ResponseHeaders headers(exchange.headers(), ctx.response_headers);
    relay_headers(headers, reply);
    ExchangeSource source(exchange, attempt_end, first_byte_end, idle_s);
    const bool ended = co_await pump_stream(d, call, headers.table(status, {}), source, reply,
                                            max_stream_event_bytes_, attempt_start, outcome);
    if (!ended) co_return outcome;
    // Drain what follows the end marker (the last chunk) so the connection can be reused:
    // a little, briefly. An upstream that keeps sending after its end marker (pings after
    // [DONE]) is cut off rather than holding the attempt open.
    try {
      const int64_t drain_end = std::min<int64_t>(canonical::steady_ms() + 100, attempt_end);
      std::size_t drained = 0, n = 0;
      char buf[4096];
      for (;;) {
        n = co_await exchange.read_some(buf, sizeof buf, 100, drain_end);
        if (n == 0 || (drained += n) > 64 * 1024) break;
      }
      if (n == 0) exchange.finish(); else exchange.abort();
    } catch (const TransportError&) {
    }
  } catch (const TransportError& e) {
    if (e.failure() == TransportFailure::ClientGone) {
      outcome.status = 499;
      co_return outcome;
    }
    answer_transport_error(e, reply, outcome);
  }
  co_return outcome;
}

}  // namespace llmgw::pipeline
