#include "guard/release_watch.hpp"

#include <algorithm>

namespace llmgw::guard {

ReleaseWatch::Pending& ReleaseWatch::pending(std::size_t channel) {
  for (Pending& p : pending_)
    if (p.channel == channel) return p;
  pending_.push_back(Pending{channel, {}, 0});
  return pending_.back();
}

bool ReleaseWatch::change() {
  changed_ = true;
  pending_.clear();
  pending_.shrink_to_fit();
  return true;
}

void ReleaseWatch::fed(std::size_t channel, std::string_view text) {
  if (changed_ || text.empty()) return;
  Pending& p = pending(channel);
  if (p.offset == p.text.size()) {  // all released: start over, keeping the storage
    p.text.clear();
    p.offset = 0;
  } else if (p.offset > 4096 && p.offset * 2 > p.text.size()) {
    p.text.erase(0, p.offset);
    p.offset = 0;
  }
  p.text.append(text);
}

bool ReleaseWatch::released(std::size_t channel, std::string_view text) {
  if (changed_) return false;
  if (text.empty()) return false;
  Pending& p = pending(channel);
  const std::string_view held = std::string_view(p.text).substr(p.offset);
  if (held.size() < text.size() || held.compare(0, text.size(), text) != 0) return change();
  p.offset += text.size();
  return false;
}

bool ReleaseWatch::closed(std::size_t channel) {
  if (changed_) return false;
  const auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) { return p.channel == channel; });
  if (it == pending_.end()) return false;
  const bool withheld = it->offset != it->text.size();
  pending_.erase(it);
  return withheld ? change() : false;
}

}  // namespace llmgw::guard
