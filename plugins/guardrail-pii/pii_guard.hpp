// guardrail-pii: finds personal data and secrets with Hyperscan and redacts, masks, blocks or
// only counts them, per detector (pii_config.hpp). Immutable after create; check() and streams
// run concurrently.
#pragma once

#include <llmgw/plugin.hpp>

#include <memory>
#include <string_view>
#include <vector>

#include "pii_call.hpp"
#include "pii_config.hpp"
#include "pii_stream.hpp"
#include "scanner.hpp"

namespace llmgw::pii {

class PiiGuard {
 public:
  /// `host_links_calls`: the host hands the same PiiCall to a request's check and to the checks
  /// and streams of its answer (check_call, open_call_stream). Reversible redaction needs that:
  /// without it `reversible: true` is refused with an error saying why. Through the vtable that
  /// is a host of ABI 1.2 or later (it opens a call per request: call_open / call_close).
  PiiGuard(Host host, std::string_view config_json, bool host_links_calls);
  PiiGuard(Host host, std::string_view config_json) : PiiGuard(host, config_json, host.abi_minor() >= 2) {}

  // The hooks GuardrailHooks generates from (ABI 1.2: a call per client request; null when the
  // host opened none).
  using Call = PiiCall;
  using Stream = PiiStream;
  /// One call's state (placeholder numbering; reversible: what the placeholders stand for).
  std::unique_ptr<PiiCall> open_call(const llmgw_guard_request&) const { return std::make_unique<PiiCall>(); }
  void check(const llmgw_guard_request& request, GuardOut& out, PiiCall* call) const {
    check_call(request, out, call);
  }
  std::unique_ptr<Stream> open_stream(const llmgw_guard_request& request, PiiCall* call) const {
    return open_call_stream(request, call);
  }
  void check(const llmgw_guard_request& request, GuardOut& out) const { check_call(request, out, nullptr); }
  std::unique_ptr<Stream> open_stream(const llmgw_guard_request& request) const {
    return open_call_stream(request, nullptr);
  }

  /// check() within `call` (null: a call of its own). Input: placeholders numbered in the call,
  /// and with reversible remembered. Output with reversible: the call's placeholders in the
  /// answer are replaced by the client's values; the client's own values are left as they are.
  void check_call(const llmgw_guard_request& request, GuardOut& out, PiiCall* call) const;
  /// A guard stream within `call` (null: none), restoring the call's placeholders as check_call.
  std::unique_ptr<Stream> open_call_stream(const llmgw_guard_request& request, PiiCall* call) const;

  bool reversible() const { return reversible_; }
  const Scanner& scanner() const { return *scanner_; }

 private:
  Host host_;
  std::unique_ptr<Scanner> scanner_;
  std::vector<uint32_t> counters_;  // per detector: matches seen
  bool reversible_ = false;
};

}  // namespace llmgw::pii
