// Finds the text a guardrail judges in a request or answer body, with its provenance and the byte
// span of its JSON string token, in one SAX pass (no DOM):
//   OpenAI chat request      messages[i].content (string, or parts' "text"), tool_calls[k]
//                            .function.arguments, role "tool" content (tool results); role
//                            "system" / "developer" make a message's text a system segment
//   OpenAI embeddings request input (a string: message 0; a list of strings: input[i] is
//                            message i; token arrays are not text and are not judged)
//   Anthropic request        system (string or blocks' "text"), messages[i].content (string or
//                            blocks' "text"), tool_use input (every string value in it),
//                            tool_result content (string or blocks' "text")
//   OpenAI chat answer       choices[c].message.content, .tool_calls[k].function.arguments
//   Anthropic answer         content[j].text, content[j].input (every string value)
//   OpenAI stream chunk      choices[c].delta.content, .delta.tool_calls[k].function.arguments
//                            (part_index = the tool call's "index"); choices[c].finish_reason
//   Anthropic stream event   delta.text, delta.partial_json (part_index = the event's "index");
//                            the event's "type"
// Anthropic thinking blocks are left alone (their signature covers the text).
#pragma once

#include <llmgw/plugin.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::guard {

enum class BodyKind { request, answer, stream_event };

struct Segment {
  llmgw_segment_source source = LLMGW_SEGMENT_MESSAGE;
  int64_t message_index = -1;
  int64_t part_index = -1;
  std::string role;
  std::string name;
  std::string text;        // decoded
  std::size_t begin = 0;   // the JSON string token in the body, quotes included: [begin, end)
  std::size_t end = 0;
};

/// What extract_segments found; `ok` false when the body is not JSON, nests deeper than
/// `max_depth`, or is not an object.
struct Extraction {
  bool ok = false;
  std::vector<Segment> segments;
  // Stream events only:
  std::string event_type;                 // Anthropic: the top-level "type"
  int64_t event_index = -1;               // Anthropic: the top-level "index"
  std::vector<int64_t> finished_choices;  // OpenAI: choices with a non-null finish_reason
};

/// The segments of `body` (a request or a whole answer in `dialect`: OpenAI chat or Anthropic
/// messages; an OpenAI embeddings request; any other has none), in body order. For a stream event, `body` is one
/// event's data: an OpenAI chat.completion.chunk or an Anthropic event.
Extraction extract_segments(llmgw_dialect dialect, BodyKind kind, std::string_view body, unsigned max_depth);

}  // namespace llmgw::guard
