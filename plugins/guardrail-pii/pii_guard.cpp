#include "pii_guard.hpp"

#include <stdexcept>
#include <string>

#include "redactor.hpp"

namespace llmgw::pii {

PiiGuard::PiiGuard(Host host, std::string_view config_json, bool host_links_calls) : host_(host) {
  PiiConfig cfg = parse_config(config_json);
  if (cfg.reversible && !host_links_calls)
    throw std::runtime_error(
        "reversible: true needs the gateway to give guardrails one state per call (request and answer): plugin "
        "ABI 1.2 or later; this gateway speaks 1." +
        std::to_string(host.abi_minor()));
  reversible_ = cfg.reversible;
  scanner_ = std::make_unique<Scanner>(std::move(cfg.detectors), std::move(cfg.allow));
  for (const Detector& d : scanner_->detectors()) {
    std::string name = "pii_" + d.name + "_matches";
    for (char& c : name)
      if (c == '-' || c == '.') c = '_';
    counters_.push_back(host_.counter_register(name, "matches of the " + d.name + " detector (guardrail-pii)"));
  }
}

void PiiGuard::check_call(const llmgw_guard_request& request, GuardOut& out, PiiCall* call) const {
  const Segments segments(request);
  Redactor own;  // placeholders numbered across the whole request (or the call)
  Redactor& redactor = call ? call->redactor : own;
  const bool input = request.phase == LLMGW_PHASE_INPUT;
  // Reversible: the input remembers its placeholders, the answer gets the values back.
  PlaceholderMap* remember = reversible_ && call && input ? &call->sent : nullptr;
  const PlaceholderMap* restore = reversible_ && call && !input && !call->sent.empty() ? &call->sent : nullptr;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string_view text = view(segments[i].text);
    if (text.empty()) continue;
    std::size_t gap = 0;  // where the text after the last redaction starts
    auto restore_gap = [&](std::size_t to) {
      if (!restore) return;
      for (const PlaceholderMap::Found& f : restore->find(text.substr(gap, to - gap)))
        out.replace(i, gap + f.from, f.to - f.from, *f.value);
    };
    for (const Match& m : scanner_->scan(text)) {
      const Detector& d = scanner_->detectors()[m.detector];
      const std::string_view value = text.substr(m.from, m.to - m.from);
      host_.counter_add(counters_[m.detector]);
      if (d.action == Action::block) {
        out.block(i, d.name, (input ? "the request contains " : "the answer contains ") + d.name);
        return;
      }
      if (d.action == Action::log_only) continue;
      if (restore && restore->has_value(value)) continue;  // the client's own value, as restored
      restore_gap(m.from);
      std::string r = redactor.replacement(d, value);
      if (remember && d.action == Action::redact) remember->add(r, std::string(value));
      out.replace(i, m.from, m.to - m.from, r);
      gap = m.to;
    }
    restore_gap(text.size());
  }
}

std::unique_ptr<PiiGuard::Stream> PiiGuard::open_call_stream(const llmgw_guard_request&, PiiCall* call) const {
  const PlaceholderMap* restore = reversible_ && call && !call->sent.empty() ? &call->sent : nullptr;
  return std::make_unique<Stream>(*scanner_, counters_, host_, call ? &call->redactor : nullptr, restore);
}

}  // namespace llmgw::pii
