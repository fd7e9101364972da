// libFuzzer target: the guardrail segment extractor (core/guard/segment_extractor) and the body
// splice, over request, answer and stream-event bodies of both dialects and embeddings requests.
// Input: [dialect/kind: bit 0 Anthropic, bits 1-7 % 3 the kind, bit 7 embeddings] then the body.
// Checks: every segment's span is a JSON string token of the body whose decoded value is the
// segment's text, spans are in order and do not overlap; splicing every segment back (changed
// or not) gives a body that extracts to the same texts; a segment rewritten to a text with
// quotes and backslashes is read back as that text.
#include "fuzz_util.hpp"

#include <rapidjson/document.h>

#include <string>

#include "guard/segment_extractor.hpp"
#include "guard/text_edits.hpp"

using namespace llmgw::guard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fuzz::Input in{data, size};
  llmgw_dialect dialect = in.byte(0) & 1 ? LLMGW_DIALECT_ANTHROPIC_MESSAGES : LLMGW_DIALECT_OPENAI_CHAT;
  if (in.byte(0) & 0x80) dialect = LLMGW_DIALECT_OPENAI_EMBEDDINGS;  // its requests' "input"
  const BodyKind kind = static_cast<BodyKind>((in.byte(0) >> 1) % 3);
  const std::string_view body = in.rest(1);
  const Extraction x = extract_segments(dialect, kind, body, 64);
  if (!x.ok) return 0;
  std::size_t last_end = 0;
  for (const Segment& s : x.segments) {
    FUZZ_REQUIRE(s.begin >= last_end && s.begin < s.end && s.end <= body.size());
    FUZZ_REQUIRE(body[s.begin] == '"' && body[s.end - 1] == '"');
    last_end = s.end;
    const std::string token(body.substr(s.begin, s.end - s.begin));
    rapidjson::Document d;
    d.Parse(token.c_str(), token.size());
    FUZZ_REQUIRE(!d.HasParseError() && d.IsString());
    FUZZ_REQUIRE(std::string_view(d.GetString(), d.GetStringLength()) == s.text);
  }
  // Every segment spliced back as it is, then rewritten: the body still extracts the same way.
  std::vector<Segment> segments = x.segments;
  std::vector<bool> all(segments.size(), true);
  const std::string same = splice_segments(body, segments, all);
  const Extraction again = extract_segments(dialect, kind, same, 64);
  FUZZ_REQUIRE(again.ok && again.segments.size() == segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) FUZZ_REQUIRE(again.segments[i].text == segments[i].text);
  for (Segment& s : segments) s.text = "[X \"q\" \\ " + std::to_string(s.text.size()) + "]";
  const std::string changed = splice_segments(body, segments, all);
  const Extraction third = extract_segments(dialect, kind, changed, 64);
  FUZZ_REQUIRE(third.ok && third.segments.size() == segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) FUZZ_REQUIRE(third.segments[i].text == segments[i].text);
  return 0;
}
