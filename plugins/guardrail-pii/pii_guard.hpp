// guardrail-pii: finds personal data and secrets with Hyperscan and redacts, masks, blocks or
// only counts them, per detector (pii_config.hpp). Immutable after create; check() and streams
// run concurrently.
#pragma once

#include <llmgw/plugin.hpp>

#include <memory>
#include <string_view>
#include <vector>

#include "pii_config.hpp"
#include "pii_stream.hpp"
#include "scanner.hpp"

namespace llmgw::pii {

class PiiGuard {
 public:
  PiiGuard(Host host, std::string_view config_json);

  void check(const llmgw_guard_request& request, GuardOut& out) const;

  using Stream = PiiStream;
  std::unique_ptr<Stream> open_stream(const llmgw_guard_request& request) const;

  const Scanner& scanner() const { return *scanner_; }

 private:
  Host host_;
  std::unique_ptr<Scanner> scanner_;
  std::vector<uint32_t> counters_;  // per detector: matches seen
};

}  // namespace llmgw::pii
