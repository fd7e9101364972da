#include "pipeline/provider_io.hpp"

#include <cstring>

#include "util/saturating.hpp"

namespace llmgw::pipeline {
namespace {

std::string_view sv(llmgw_str s) { return s.len ? std::string_view(s.ptr, s.len) : std::string_view(); }

const char* default_type(int status) {
  switch (status) {
    case 400: case 404: case 413: case 422: return "invalid_request_error";
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 429: return "rate_limit_error";
    default: return "api_error";
  }
}

int default_status(llmgw_error_class c) {
  switch (c) {
    case LLMGW_ERR_INVALID_REQUEST: case LLMGW_ERR_CONTEXT_WINDOW: case LLMGW_ERR_CONTENT_POLICY: return 400;
    case LLMGW_ERR_AUTH: return 401;
    case LLMGW_ERR_NOT_FOUND: return 404;
    case LLMGW_ERR_RATE_LIMITED: return 429;
    case LLMGW_ERR_BAD_RESPONSE: return 502;
    default: return 500;
  }
}

}  // namespace

llmgw_usage copy_usage(const llmgw_usage* u) {
  llmgw_usage out{};
  out.struct_size = sizeof(llmgw_usage);
  out.prompt_tokens = out.completion_tokens = out.cached_tokens = -1;
  out.cache_creation_tokens = out.reasoning_tokens = -1;
  if (u && u->struct_size > offsetof(llmgw_usage, prompt_tokens))
    std::memcpy(&out.prompt_tokens, &u->prompt_tokens,
                     std::min(u->struct_size, sizeof(llmgw_usage)) - offsetof(llmgw_usage, prompt_tokens));
  out.struct_size = sizeof(llmgw_usage);
  // The numbers come from an upstream: bounded here, once, so no total built on them wraps.
  for (int64_t* v : {&out.prompt_tokens, &out.completion_tokens, &out.cached_tokens, &out.cache_creation_tokens,
                     &out.reasoning_tokens})
    *v = util::sane_token_count(*v);
  return out;
}

canonical::ApiError to_api_error(const llmgw_error& e) {
  canonical::ApiError out;
  out.status = e.status >= 400 && e.status <= 599 ? e.status : default_status(e.error_class);
  out.type = e.type.len ? std::string(sv(e.type)) : default_type(out.status);
  out.code.assign(sv(e.code));
  out.param.assign(sv(e.param));
  out.message = e.message.len ? std::string(sv(e.message)) : "upstream error";
  out.retry_after_ms = e.retry_after_ms;
  out.error_class = e.error_class;
  return out;
}

llmgw_request_out RequestCollector::table() {
  llmgw_request_out t{};
  t.struct_size = sizeof t;
  t.ctx = this;
  t.set_method = [](void* c, llmgw_str m) { static_cast<RequestCollector*>(c)->method.assign(sv(m)); };
  t.set_url = [](void* c, llmgw_str u) { static_cast<RequestCollector*>(c)->url.assign(sv(u)); };
  t.add_header = [](void* c, llmgw_str n, llmgw_str v) {
    static_cast<RequestCollector*>(c)->add_header(sv(n), sv(v));
  };
  t.append_body = [](void* c, llmgw_str b) { static_cast<RequestCollector*>(c)->body.append(sv(b)); };
  t.use_call_body = [](void* c) { static_cast<RequestCollector*>(c)->use_call_body = true; };
  return t;
}

llmgw_result_out ResultCollector::table() {
  llmgw_result_out t{};
  t.struct_size = sizeof t;
  t.ctx = this;
  t.append_body = [](void* c, llmgw_str b) { static_cast<ResultCollector*>(c)->body.append(sv(b)); };
  t.use_upstream_body = [](void* c) { static_cast<ResultCollector*>(c)->use_upstream_body = true; };
  t.set_usage = [](void* c, const llmgw_usage* u) { static_cast<ResultCollector*>(c)->usage = copy_usage(u); };
  t.set_error = [](void* c, const llmgw_error* e) {
    if (e) static_cast<ResultCollector*>(c)->error = to_api_error(*e);
  };
  return t;
}

llmgw_event_out EventForwarder::table() {
  llmgw_event_out t{};
  t.struct_size = sizeof t;
  t.ctx = this;
  t.emit_raw = [](void* c, llmgw_str b) {
    auto* self = static_cast<EventForwarder*>(c);
    if (!b.len) return;
    ++self->events;
    self->raw_bytes_sent = true;
    self->reply.stream_raw(sv(b));
  };
  t.emit_chunk = [](void* c, llmgw_str chunk) {
    auto* self = static_cast<EventForwarder*>(c);
    ++self->events;
    self->translated = true;
    self->reply.stream_chunk(sv(chunk));
  };
  t.set_usage = [](void* c, const llmgw_usage* u) { static_cast<EventForwarder*>(c)->usage = copy_usage(u); };
  t.set_error = [](void* c, const llmgw_error* e) {
    if (e) static_cast<EventForwarder*>(c)->error = to_api_error(*e);
  };
  return t;
}

}  // namespace llmgw::pipeline
