#include "guard/text_edits.hpp"

#include <algorithm>

#include "util/json_escape.hpp"

namespace llmgw::guard {

bool apply_replacements(std::string& text, std::vector<Replacement> edits) {
  std::sort(edits.begin(), edits.end(), [](const Replacement& a, const Replacement& b) { return a.offset < b.offset; });
  std::size_t covered = 0;
  for (const Replacement& e : edits) {
    if (e.offset > text.size() || e.len > text.size() - e.offset || e.offset < covered) return false;
    covered = e.offset + e.len;
  }
  std::string out;
  out.reserve(text.size() + 16 * edits.size());
  std::size_t at = 0;
  for (const Replacement& e : edits) {
    out.append(text, at, e.offset - at);
    out.append(e.text);
    at = e.offset + e.len;
  }
  out.append(text, at, std::string::npos);
  text.swap(out);
  return true;
}

std::string splice_segments(std::string_view body, const std::vector<Segment>& segments,
                            const std::vector<bool>& changed) {
  std::string out;
  out.reserve(body.size() + 64);
  std::size_t at = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i >= changed.size() || !changed[i]) continue;
    const Segment& s = segments[i];
    if (s.begin < at || s.end > body.size() || s.begin >= s.end) continue;
    out.append(body.substr(at, s.begin - at));
    util::append_json_string(out, s.text);
    at = s.end;
  }
  out.append(body.substr(at));
  return out;
}

}  // namespace llmgw::guard
