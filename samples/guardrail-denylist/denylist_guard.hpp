// The guardrail: check() judges whole texts (a request's segments, a whole answer); Stream
// judges a streamed answer piece by piece, holding back only text that could still become a term.
#pragma once

#include <llmgw/plugin.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "denylist_config.hpp"
#include "term_matcher.hpp"

namespace denylist {

/// Detector names the client sees (never the matched text).
inline constexpr std::string_view kDenylistDetector = "denylist";
inline constexpr std::string_view kMaxInputDetector = "max_input_bytes";

class DenylistGuard {
 public:
  DenylistGuard(llmgw::Host host, std::string_view config_json);

  void check(const llmgw_guard_request& request, llmgw::GuardOut& out) const;

  class Stream {
   public:
    explicit Stream(const DenylistGuard& guard) : guard_(guard) {}
    void feed(std::size_t channel, const llmgw_segment& piece, llmgw::GuardStreamOut& out);
    void close(std::size_t channel, llmgw::GuardStreamOut& out);

   private:
    /// Releases what channel `channel` holds, up to where a term could still start (all of it
    /// when `final`); blocks on a block term.
    void drain(std::size_t channel, bool final, llmgw::GuardStreamOut& out);

    const DenylistGuard& guard_;
    std::map<std::size_t, std::string> held_;  // per channel: text not released yet
    bool blocked_ = false;
  };
  std::unique_ptr<Stream> open_stream(const llmgw_guard_request& request) const;

 private:
  Config config_;
  TermMatcher matcher_;
};

}  // namespace denylist
