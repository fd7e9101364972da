// provider-anthropic: the Anthropic Messages API. Glue only: the entry symbol, the descriptor
// and vtable, and exception-safe extern "C" hooks over the role files.
#include "config.hpp"
#include "decode.hpp"
#include "encode.hpp"
#include "scan.hpp"
#include "stream.hpp"
#include "wire.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <chrono>
#include <exception>
#include <new>
#include <vector>

namespace llmgw::provider_anthropic {
namespace {

/// One configured deployment; immutable after create, shared by every request thread.
struct Instance {
  Config cfg;
  Host host;
};

const Instance& instance(void* p) { return *static_cast<const Instance*>(p); }
Stream& stream(llmgw_stream* p) { return *reinterpret_cast<Stream*>(p); }

/// Unix seconds for a canonical object's `created`, from the host's wall clock.
int64_t unix_now_s(const Instance& inst) {
  const llmgw_host* h = inst.host.get();
  if (h && LLMGW_HAS_MEMBER(h, llmgw_host, realtime_ms) && h->realtime_ms) return h->realtime_ms(h->ctx) / 1000;
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

/// Reports an error when building the real one failed (out of memory): static strings only.
template <typename Out>
llmgw_status internal_error(const Out& out) noexcept {
  llmgw_error e{};
  e.struct_size = sizeof e;
  e.error_class = LLMGW_ERR_BAD_RESPONSE;
  e.status = 502;
  e.type = str("api_error");
  e.code = str("plugin_failure");
  e.message = str("provider-anthropic could not process the upstream response");
  e.retry_after_ms = -1;
  out.set_error(out.ctx, &e);
  return LLMGW_ERROR;
}

llmgw_status create(const llmgw_host* host, llmgw_str config_json, void** out,
                    const llmgw_writer* error) noexcept {
  try {
    std::vector<std::string> warnings;
    auto* inst = new Instance{parse_config(view(config_json), warnings), Host(host)};
    for (const std::string& w : warnings) inst->host.log(LLMGW_LOG_WARN, w);
    *out = inst;
    return LLMGW_OK;
  } catch (const std::exception& e) {
    write(error, e.what());
  } catch (...) {
    write(error, "unknown error while reading the config");
  }
  return LLMGW_BAD_ARGUMENT;
}

void destroy(void* inst) noexcept { delete static_cast<Instance*>(inst); }

llmgw_status encode_request(void* inst, const llmgw_call* call, const llmgw_request_out* out,
                            const llmgw_writer* error) noexcept {
  return guarded(error, [&] { return encode(instance(inst).cfg, *call, *out, error); });
}

llmgw_status decode_response(void* inst, const llmgw_call* call, const llmgw_upstream_response* response,
                             const llmgw_result_out* out) noexcept {
  try {
    return decode(instance(inst).cfg, *call, *response, *out, unix_now_s(instance(inst)));
  } catch (...) {
    return internal_error(*out);
  }
}

llmgw_status stream_open(void* inst, const llmgw_call* call, const llmgw_upstream_response*,
                         llmgw_stream** out) noexcept {
  try {
    const bool passthrough = call->body_dialect == LLMGW_DIALECT_ANTHROPIC_MESSAGES;
    RequestFacts facts = passthrough ? RequestFacts{} : scan_request(view(call->body));
    auto* s = new Stream(instance(inst).cfg, passthrough, std::move(facts), view(call->model), unix_now_s(instance(inst)));
    *out = reinterpret_cast<llmgw_stream*>(s);
    return LLMGW_OK;
  } catch (...) {
    return LLMGW_ERROR;
  }
}

llmgw_status stream_feed(llmgw_stream* s, llmgw_str bytes, const llmgw_event_out* out) noexcept {
  try {
    return stream(s).feed(view(bytes), *out);
  } catch (...) {
    return internal_error(*out);
  }
}

llmgw_status stream_close(llmgw_stream* s, const llmgw_event_out* out) noexcept {
  try {
    return stream(s).close(*out);
  } catch (...) {
    return internal_error(*out);
  }
}

void stream_destroy(llmgw_stream* s) noexcept { delete reinterpret_cast<Stream*>(s); }

const llmgw_provider_vtable kVtable = {
    sizeof(llmgw_provider_vtable),
    kProviderNames,
    LLMGW_CAP_CHAT | LLMGW_CAP_STREAM | LLMGW_CAP_TOOLS | LLMGW_CAP_VISION | LLMGW_CAP_JSON_SCHEMA,
    LLMGW_DIALECT_ANTHROPIC_MESSAGES,
    &create,
    &destroy,
    &encode_request,
    &decode_response,
    &stream_open,
    &stream_feed,
    &stream_close,
    &stream_destroy,
};

const llmgw_plugin kPlugin = {
    LLMGW_ABI_MAJOR,
    LLMGW_ABI_MINOR,
    sizeof(llmgw_plugin),
    LLMGW_BUILD_SIGNATURE,
    LLMGW_KIND_PROVIDER,
    "provider-anthropic",
    "0.1.0",
    "Anthropic Messages API upstream (passthrough for Anthropic clients, translation for OpenAI ones)",
    &kVtable,
};

}  // namespace
}  // namespace llmgw::provider_anthropic

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) {
  return &llmgw::provider_anthropic::kPlugin;
}
