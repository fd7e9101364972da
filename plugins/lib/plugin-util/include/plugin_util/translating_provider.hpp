// TranslatingProvider<Codec>: the Provider class (llmgw::ProviderHooks) of a provider plugin
// that translates every call (no client dialect is passed through): one configured deployment,
// immutable after create, shared by every request thread. plugin.cpp then holds only its Codec,
// the vtable and the descriptor:
//
//   struct Codec {
//     using Config = ...;            // the plugin's parsed config
//     using Stream = ...;            // Stream(const Config&, bool include_usage, std::string_view model,
//                                    //        int64_t created), feed(), close()
//     static constexpr llmgw::HookFailure kHookFailure{...};
//     static Config parse_config(std::string_view json, std::vector<std::string>& warnings);
//     static llmgw_status encode(const Config&, const llmgw_call&, const llmgw_request_out&,
//                                const llmgw_writer* error);
//     static llmgw_status decode(const Config&, const llmgw_call&, const llmgw_upstream_response&,
//                                const llmgw_result_out&, int64_t now_unix_s);
//   };
//
// A codec that needs the host (request signing with its sha256 / hmac_sha256 and wall clock,
// environment lookups through its secret()) declares the host-taking forms instead, which are
// preferred when present:
//     static Config parse_config(std::string_view json, const llmgw::Host&, std::vector<std::string>& warnings);
//     static llmgw_status encode(const Config&, const llmgw::Host&, const llmgw_call&, const llmgw_request_out&,
//                                const llmgw_writer* error);
// and a Stream may take the response (status, headers) as a fifth constructor argument, or be
// built from the call itself: Stream(const Config&, const llmgw_call&, bool include_usage,
// int64_t created, const llmgw_upstream_response&).
//   constexpr llmgw_provider_vtable kVtable = ProviderHooks<TranslatingProvider<Codec>>::vtable(...);
//
// The constructor logs each config warning at WARN; `created` of every answer and chunk is the
// host's wall clock (plugin_util/host_clock.hpp); a stream's include_usage is the request's
// stream_options.include_usage (plugin_util/stream_options.hpp).
#pragma once

#include "plugin_util/host_clock.hpp"
#include "plugin_util/stream_options.hpp"

#include <llmgw/plugin.h>
#include <llmgw/plugin.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace llmgw::plugin_util {

/// `parse(json, warnings)`, each warning logged on `host` at WARN.
template <typename Parse>
auto load_config(const Host& host, std::string_view config_json, Parse&& parse) {
  std::vector<std::string> warnings;
  auto cfg = parse(config_json, warnings);
  for (const std::string& w : warnings) host.log(LLMGW_LOG_WARN, w);
  return cfg;
}

template <typename Codec>
class TranslatingProvider {
 public:
  using Stream = typename Codec::Stream;

  static constexpr HookFailure kHookFailure = Codec::kHookFailure;

  TranslatingProvider(Host host, std::string_view config_json) : host_(host), cfg_(load(host_, config_json)) {}

  llmgw_status encode(const llmgw_call& call, const llmgw_request_out& out, const llmgw_writer* error) const {
    if constexpr (requires { Codec::encode(cfg_, host_, call, out, error); })
      return Codec::encode(cfg_, host_, call, out, error);
    else
      return Codec::encode(cfg_, call, out, error);
  }
  llmgw_status decode(const llmgw_call& call, const llmgw_upstream_response& r, const llmgw_result_out& out) const {
    return Codec::decode(cfg_, call, r, out, unix_now_s(host_));
  }
  // ABI 1.1 credential exchange, forwarded when the codec has
  //   static llmgw_status credential_request(const Config&, const llmgw_request_out&, const llmgw_writer*);
  //   static llmgw_status credential_accept(const Config&, const llmgw_upstream_response&, int64_t&, const llmgw_writer*);
  llmgw_status credential_request(const llmgw_request_out& out, const llmgw_writer* error) const
    requires requires(const llmgw_request_out& o) { Codec::credential_request(std::declval<const typename Codec::Config&>(), o, error); }
  {
    return Codec::credential_request(cfg_, out, error);
  }
  llmgw_status credential_accept(const llmgw_upstream_response& r, int64_t& refresh_in_ms, const llmgw_writer* error) const
    requires requires(int64_t& ms) { Codec::credential_accept(std::declval<const typename Codec::Config&>(), r, ms, error); }
  {
    return Codec::credential_accept(cfg_, r, refresh_in_ms, error);
  }
  std::unique_ptr<Stream> open_stream(const llmgw_call& call, const llmgw_upstream_response& r) const {
    const bool usage = wants_stream_usage(view(call.body));
    if constexpr (std::is_constructible_v<Stream, const typename Codec::Config&, const llmgw_call&, bool, int64_t,
                                          const llmgw_upstream_response&>)
      return std::make_unique<Stream>(cfg_, call, usage, unix_now_s(host_), r);
    else if constexpr (std::is_constructible_v<Stream, const typename Codec::Config&, bool, std::string_view, int64_t,
                                               const llmgw_upstream_response&>)
      return std::make_unique<Stream>(cfg_, usage, view(call.model), unix_now_s(host_), r);
    else
      return std::make_unique<Stream>(cfg_, usage, view(call.model), unix_now_s(host_));
  }

 private:
  static typename Codec::Config load(const Host& host, std::string_view json) {
    if constexpr (requires(std::vector<std::string>& w) { Codec::parse_config(json, host, w); })
      return load_config(host, json, [&](std::string_view j, std::vector<std::string>& w) { return Codec::parse_config(j, host, w); });
    else
      return load_config(host, json, Codec::parse_config);
  }

  Host host_;
  typename Codec::Config cfg_;
};

}  // namespace llmgw::plugin_util
