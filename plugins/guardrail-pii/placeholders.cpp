#include "placeholders.hpp"

#include <algorithm>

namespace llmgw::pii {

void PlaceholderMap::add(std::string placeholder, std::string value) {
  longest_ = std::max(longest_, placeholder.size());
  if (!has_value(value)) originals_.push_back(value);
  values_.emplace(std::move(placeholder), std::move(value));
}

const std::string* PlaceholderMap::value_of(std::string_view placeholder) const {
  auto it = values_.find(placeholder);
  return it == values_.end() ? nullptr : &it->second;
}

bool PlaceholderMap::has_value(std::string_view value) const {
  return std::find(originals_.begin(), originals_.end(), value) != originals_.end();
}

std::vector<PlaceholderMap::Found> PlaceholderMap::find(std::string_view text) const {
  std::vector<Found> out;
  if (values_.empty()) return out;
  for (std::size_t at = text.find('['); at != std::string_view::npos; at = text.find('[', at + 1)) {
    // A placeholder is '[' … ']' with no other bracket inside: the first ']' after it decides.
    const std::size_t close = text.find_first_of("[]", at + 1);
    if (close == std::string_view::npos) break;
    if (text[close] != ']' || close + 1 - at > longest_) continue;
    if (const std::string* v = value_of(text.substr(at, close + 1 - at))) {
      out.push_back(Found{at, close + 1, v});
      at = close;
    }
  }
  return out;
}

std::string PlaceholderMap::restore(std::string_view text) const {
  std::string out;
  std::size_t at = 0;
  for (const Found& f : find(text)) {
    out.append(text.substr(at, f.from - at));
    out += *f.value;
    at = f.to;
  }
  out.append(text.substr(at));
  return out;
}

bool PlaceholderMap::could_begin(std::string_view tail) const {
  if (tail.size() >= longest_) return false;  // a whole one would have been found
  auto it = values_.lower_bound(tail);
  return it != values_.end() && std::string_view(it->first).starts_with(tail);
}

void RestoreStream::feed(std::string_view text, std::string& out) {
  held_.append(text);
  // Keep back the tail from the last '[' when it may still grow into a placeholder.
  std::size_t keep = held_.size();
  const std::size_t last = held_.rfind('[');
  if (last != std::string::npos && map_->could_begin(std::string_view(held_).substr(last))) keep = last;
  const std::string_view ready = std::string_view(held_).substr(0, keep);
  // A placeholder in `ready` is whole: the kept tail starts at its last '[', after any of them.
  out += map_->restore(ready);
  held_.erase(0, keep);
}

void RestoreStream::flush(std::string& out) {
  out += held_;
  held_.clear();
}

}  // namespace llmgw::pii
