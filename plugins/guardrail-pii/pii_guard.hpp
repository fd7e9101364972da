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
  /// and streams of its answer (check_call, open_call_stream). Reversible redaction needs that;
  /// the C ABI has no per-call state yet (1.1), so through the vtable `reversible: true` is
  /// refused at create with an error saying so.
  PiiGuard(Host host, std::string_view config_json, bool host_links_calls = false);

  void check(const llmgw_guard_request& request, GuardOut& out) const { check_call(request, out, nullptr); }

  using Stream = PiiStream;
  std::unique_ptr<Stream> open_stream(const llmgw_guard_request& request) const {
    return open_call_stream(request, nullptr);
  }

  // One call's state (placeholder numbering; reversible: what the placeholders stand for).
  std::unique_ptr<PiiCall> open_call() const { return std::make_unique<PiiCall>(); }
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
