// Replacements by offset in a segment's decoded text, and splicing changed segments back into the
// body: only the JSON string tokens of segments that changed are rewritten, every other byte of
// the body stays as it was (passthrough keeps cache_control, key order, unknown fields).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "guard/segment_extractor.hpp"

namespace llmgw::guard {

struct Replacement {
  std::size_t offset = 0;
  std::size_t len = 0;
  std::string text;
};

/// `text` with `edits` applied (any order). False, `text` unchanged, when an edit lies outside
/// the text or two overlap.
bool apply_replacements(std::string& text, std::vector<Replacement> edits);

/// `body` with the token of every segment whose `changed[i]` is set replaced by its `text` as a
/// JSON string. Segments are in body order and do not overlap (extract_segments).
std::string splice_segments(std::string_view body, const std::vector<Segment>& segments,
                            const std::vector<bool>& changed);

}  // namespace llmgw::guard
