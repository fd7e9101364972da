#include "pii_guard.hpp"

#include "redactor.hpp"

namespace llmgw::pii {

PiiGuard::PiiGuard(Host host, std::string_view config_json) : host_(host) {
  PiiConfig cfg = parse_config(config_json);
  scanner_ = std::make_unique<Scanner>(std::move(cfg.detectors), std::move(cfg.allow));
  for (const Detector& d : scanner_->detectors()) {
    std::string name = "pii_" + d.name + "_matches";
    for (char& c : name)
      if (c == '-' || c == '.') c = '_';
    counters_.push_back(host_.counter_register(name, "matches of the " + d.name + " detector (guardrail-pii)"));
  }
}

void PiiGuard::check(const llmgw_guard_request& request, GuardOut& out) const {
  const Segments segments(request);
  Redactor redactor;  // placeholders numbered across the whole request
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string_view text = view(segments[i].text);
    if (text.empty()) continue;
    for (const Match& m : scanner_->scan(text)) {
      const Detector& d = scanner_->detectors()[m.detector];
      host_.counter_add(counters_[m.detector]);
      if (d.action == Action::block) {
        out.block(i, d.name, (request.phase == LLMGW_PHASE_INPUT ? "the request contains " : "the answer contains ") + d.name);
        return;
      }
      if (d.action == Action::log_only) continue;
      out.replace(i, m.from, m.to - m.from, redactor.replacement(d, text.substr(m.from, m.to - m.from)));
    }
  }
}

std::unique_ptr<PiiGuard::Stream> PiiGuard::open_stream(const llmgw_guard_request&) const {
  return std::make_unique<Stream>(*scanner_, counters_, host_);
}

}  // namespace llmgw::pii
