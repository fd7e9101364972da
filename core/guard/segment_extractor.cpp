#include "guard/segment_extractor.hpp"

#include "util/utf8.hpp"

#include <rapidjson/reader.h>

#include <cstdint>
#include <map>
#include <utility>

namespace llmgw::guard {
namespace {

/// One step of the path to a value: an object member's key, or an array element's index.
struct Step {
  bool in_array = false;
  int64_t index = -1;   // the element's index (arrays)
  std::string key;      // the member's key (objects)
};

bool is(const Step& s, std::string_view key) { return !s.in_array && s.key == key; }

class Handler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
 public:
  /// `copy`: the buffer parsed in situ, a copy of `body` (a string's text starts in it where the
  /// string token's text starts in `body`).
  Handler(llmgw_dialect dialect, BodyKind kind, std::string_view body, const char* copy, unsigned max_depth)
      : dialect_(dialect), kind_(kind), body_(body), copy_(copy), max_depth_(max_depth) {}

  bool Null() { return value(); }
  bool Bool(bool) { return value(); }
  bool Int(int v) { return number(v); }
  bool Uint(unsigned v) { return number(v); }
  bool Int64(int64_t v) { return number(v); }
  bool Uint64(uint64_t v) { return number(v <= uint64_t(INT64_MAX) ? int64_t(v) : -1); }
  bool Double(double) { return value(); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return value(); }
  bool String(const char* str, rapidjson::SizeType len, bool) {
    enter_value();
    // A \u escape of a lone surrogate decodes to bytes that are not UTF-8: such text can be
    // neither judged nor written back as it was (found by the guard_segments fuzz target).
    if (util::invalid_utf8_at(std::string_view(str, len)) != len) return false;
    classify(std::string_view(str, len));
    return true;
  }
  bool StartObject() {
    enter_value();
    if (path_.size() + 1 > max_depth_) return false;
    path_.push_back(Step{false, -1, {}});
    return true;
  }
  bool Key(const char* str, rapidjson::SizeType len, bool) {
    // Keys are checked here as strings are in String(): the parse does not validate UTF-8.
    if (util::invalid_utf8_at(std::string_view(str, len)) != len) return false;
    path_.back().key.assign(str, len);
    path_.back().index = -2;  // a key waits for its value
    return true;
  }
  bool EndObject(rapidjson::SizeType) {
    path_.pop_back();
    return true;
  }
  bool StartArray() {
    enter_value();
    if (path_.size() + 1 > max_depth_) return false;
    path_.push_back(Step{true, -1, {}});
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    path_.pop_back();
    return true;
  }

  std::vector<Segment> finish(Extraction& out) {
    out.event_type = std::move(event_type_);
    out.event_index = event_index_;
    out.finished_choices = std::move(finished_);
    for (Segment& s : segments_) {
      if (kind_ == BodyKind::stream_event) {
        s.role = "assistant";
        if (dialect_ == LLMGW_DIALECT_ANTHROPIC_MESSAGES) {
          s.part_index = event_index_;
        } else if (s.source == LLMGW_SEGMENT_TOOL_ARGUMENTS) {
          auto it = numbers_.find({s.message_index, s.part_index});
          s.part_index = it != numbers_.end() ? it->second : s.part_index;
        }
        continue;
      }
      if (s.message_index >= 0) {
        if (auto it = roles_.find(s.message_index); it != roles_.end()) s.role = it->second;
      } else if (s.source == LLMGW_SEGMENT_SYSTEM) {
        s.role = "system";
      }
      if (kind_ == BodyKind::answer) s.role = "assistant";
      if (dialect_ == LLMGW_DIALECT_OPENAI_EMBEDDINGS) s.role = "user";
      if (dialect_ == LLMGW_DIALECT_OPENAI_CHAT && kind_ == BodyKind::request && s.source == LLMGW_SEGMENT_MESSAGE) {
        if (s.role == "system" || s.role == "developer") s.source = LLMGW_SEGMENT_SYSTEM;
        if (s.role == "tool") {
          s.source = LLMGW_SEGMENT_TOOL_RESULT;
          if (auto it = names_.find({s.message_index, -1}); it != names_.end()) s.name = it->second;
        }
      }
      if (s.source == LLMGW_SEGMENT_TOOL_ARGUMENTS ||
          (s.source == LLMGW_SEGMENT_TOOL_RESULT && dialect_ == LLMGW_DIALECT_ANTHROPIC_MESSAGES)) {
        if (auto it = names_.find({s.message_index, s.part_index}); it != names_.end()) s.name = it->second;
      }
    }
    return std::move(segments_);
  }

 private:
  bool value() {
    enter_value();
    return true;
  }
  bool number(int64_t v) {
    enter_value();
    if (kind_ != BodyKind::stream_event) return true;
    const std::size_t n = depth();
    if (dialect_ == LLMGW_DIALECT_ANTHROPIC_MESSAGES && n == 1 && is(at(0), "index")) event_index_ = v;
    if (dialect_ == LLMGW_DIALECT_OPENAI_CHAT && n == 6 && is(at(0), "choices") && at(1).in_array &&
        is(at(2), "delta") && is(at(3), "tool_calls") && at(4).in_array && is(at(5), "index"))
      numbers_[{at(1).index, at(4).index}] = v;
    return true;
  }
  /// A value starts: as an array element it takes the next index.
  void enter_value() {
    if (!path_.empty() && path_.back().in_array) ++path_.back().index;
  }

  std::size_t depth() const { return path_.size(); }
  const Step& at(std::size_t i) const { return path_[i]; }

  void add(llmgw_segment_source source, int64_t message, int64_t part, std::string_view text) {
    Segment s;
    s.source = source;
    s.message_index = message;
    s.part_index = part;
    s.text.assign(text);
    // In situ, the decoded text is written from where the token's text starts in the body.
    s.begin = static_cast<std::size_t>(text.data() - copy_) - 1;  // the opening quote
    s.end = closing_quote(s.begin) + 1;                           // just past the closing one
    segments_.push_back(std::move(s));
  }
  /// The closing quote of the string token that opens at `open` (the parse found it well-formed).
  std::size_t closing_quote(std::size_t open) const {
    std::size_t i = open + 1;
    while (i < body_.size() && body_[i] != '"') i += body_[i] == '\\' ? 2 : 1;
    return i;
  }

  void classify(std::string_view text) {
    const std::size_t n = depth();
    if (n == 0) return;
    if (kind_ == BodyKind::request) {
      if (dialect_ == LLMGW_DIALECT_OPENAI_EMBEDDINGS) {  // "input": a string or a list of strings
        if (!is(at(0), "input")) return;
        if (n == 1) add(LLMGW_SEGMENT_MESSAGE, 0, -1, text);
        else if (n == 2 && at(1).in_array) add(LLMGW_SEGMENT_MESSAGE, at(1).index, -1, text);
        return;
      }
      if (dialect_ == LLMGW_DIALECT_ANTHROPIC_MESSAGES && is(at(0), "system")) {
        if (n == 1) add(LLMGW_SEGMENT_SYSTEM, -1, -1, text);
        else if (n == 3 && at(1).in_array && is(at(2), "text")) add(LLMGW_SEGMENT_SYSTEM, -1, at(1).index, text);
        return;
      }
      if (n < 3 || !is(at(0), "messages") || !at(1).in_array) return;
      const int64_t i = at(1).index;
      if (n == 3) {
        if (is(at(2), "role")) roles_[i].assign(text);
        else if (is(at(2), "content")) add(LLMGW_SEGMENT_MESSAGE, i, -1, text);
        else if (is(at(2), "tool_call_id")) names_[{i, -1}].assign(text);
        return;
      }
      if (dialect_ == LLMGW_DIALECT_OPENAI_CHAT) {
        if (n == 5 && is(at(2), "content") && at(3).in_array && is(at(4), "text"))
          add(LLMGW_SEGMENT_MESSAGE, i, at(3).index, text);
        else if (n == 6 && is(at(2), "tool_calls") && at(3).in_array && is(at(4), "function")) {
          if (is(at(5), "arguments")) add(LLMGW_SEGMENT_TOOL_ARGUMENTS, i, at(3).index, text);
          else if (is(at(5), "name")) names_[{i, at(3).index}].assign(text);
        }
        return;
      }
      if (dialect_ != LLMGW_DIALECT_ANTHROPIC_MESSAGES || !is(at(2), "content") || !at(3).in_array) return;
      const int64_t j = at(3).index;
      if (n == 5) {
        if (is(at(4), "text")) add(LLMGW_SEGMENT_MESSAGE, i, j, text);
        else if (is(at(4), "content")) add(LLMGW_SEGMENT_TOOL_RESULT, i, j, text);
        else if (is(at(4), "name") || is(at(4), "tool_use_id")) names_[{i, j}].assign(text);
      } else if (n >= 6 && is(at(4), "input")) {
        add(LLMGW_SEGMENT_TOOL_ARGUMENTS, i, j, text);
      } else if (n == 7 && is(at(4), "content") && at(5).in_array && is(at(6), "text")) {
        add(LLMGW_SEGMENT_TOOL_RESULT, i, j, text);
      }
      return;
    }
    if (kind_ == BodyKind::stream_event) {
      if (dialect_ == LLMGW_DIALECT_OPENAI_CHAT) {
        if (n < 3 || !is(at(0), "choices") || !at(1).in_array) return;
        const int64_t c = at(1).index;
        if (n == 3 && is(at(2), "finish_reason")) finished_.push_back(c);
        else if (n == 4 && is(at(2), "delta") && is(at(3), "content")) add(LLMGW_SEGMENT_ANSWER, c, -1, text);
        else if (n == 7 && is(at(2), "delta") && is(at(3), "tool_calls") && at(4).in_array && is(at(5), "function") &&
                 is(at(6), "arguments"))
          add(LLMGW_SEGMENT_TOOL_ARGUMENTS, c, at(4).index, text);
      } else if (dialect_ == LLMGW_DIALECT_ANTHROPIC_MESSAGES) {
        if (n == 1 && is(at(0), "type")) event_type_.assign(text);
        else if (n == 2 && is(at(0), "delta") && is(at(1), "text")) add(LLMGW_SEGMENT_ANSWER, 0, -1, text);
        else if (n == 2 && is(at(0), "delta") && is(at(1), "partial_json"))
          add(LLMGW_SEGMENT_TOOL_ARGUMENTS, 0, -1, text);
      }
      return;
    }
    // Answers.
    if (dialect_ == LLMGW_DIALECT_OPENAI_CHAT) {
      if (n < 4 || !is(at(0), "choices") || !at(1).in_array || !is(at(2), "message")) return;
      const int64_t c = at(1).index;
      if (n == 4 && is(at(3), "content")) add(LLMGW_SEGMENT_ANSWER, c, -1, text);
      else if (n == 7 && is(at(3), "tool_calls") && at(4).in_array && is(at(5), "function")) {
        if (is(at(6), "arguments")) add(LLMGW_SEGMENT_TOOL_ARGUMENTS, c, at(4).index, text);
        else if (is(at(6), "name")) names_[{c, at(4).index}].assign(text);
      }
      return;
    }
    if (dialect_ == LLMGW_DIALECT_ANTHROPIC_MESSAGES) {
      if (n < 3 || !is(at(0), "content") || !at(1).in_array) return;
      const int64_t j = at(1).index;
      if (n == 3 && is(at(2), "text")) add(LLMGW_SEGMENT_ANSWER, 0, j, text);
      else if (n == 3 && is(at(2), "name")) names_[{0, j}].assign(text);
      else if (n > 3 && is(at(2), "input")) add(LLMGW_SEGMENT_TOOL_ARGUMENTS, 0, j, text);
    }
  }

  llmgw_dialect dialect_;
  BodyKind kind_;
  std::string_view body_;
  const char* copy_;  // the buffer parsed in situ
  unsigned max_depth_;
  std::vector<Step> path_;
  std::vector<Segment> segments_;
  std::map<int64_t, std::string> roles_;
  std::map<std::pair<int64_t, int64_t>, std::string> names_;
  std::map<std::pair<int64_t, int64_t>, int64_t> numbers_;  // stream chunks: tool_calls[k].index
  std::string event_type_;
  int64_t event_index_ = -1;
  std::vector<int64_t> finished_;
};

}  // namespace

Extraction extract_segments(llmgw_dialect dialect, BodyKind kind, std::string_view body, unsigned max_depth) {
  Extraction out;
  std::size_t first = 0;
  while (first < body.size() && (body[first] == ' ' || body[first] == '\t' || body[first] == '\n' || body[first] == '\r'))
    ++first;
  if (first == body.size() || body[first] != '{') return out;
  // In situ, over a copy: strings decode in place instead of byte by byte into the reader's
  // stack (that copy was ~30k of the ~75k instructions a 2 KB request's input check added;
  // callgrind, tests/bench/profile.sh). The copy ends in a NUL, as an in-situ stream needs; a NUL
  // inside the body is an error either way (JSON has none outside strings, nor raw in them).
  std::string copy;
  copy.reserve(body.size() + 1);
  copy.assign(body);
  rapidjson::InsituStringStream in(copy.data());
  Handler handler(dialect, kind, body, copy.data(), max_depth == 0 ? 1 : max_depth);
  rapidjson::Reader reader;
  // No kParseValidateEncodingFlag: every string and key is checked by the handler
  // (util::invalid_utf8_at, which also catches what a \u escape of a lone surrogate decodes to),
  // and outside strings JSON admits ASCII only. The flag's byte-by-byte check cost ~17k of the
  // ~78k instructions a 2 KB request's input check added (callgrind, tests/bench/profile.sh).
  constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseStopWhenDoneFlag;
  if (reader.Parse<kFlags>(in, handler).IsError()) return out;
  out.segments = handler.finish(out);
  out.ok = true;
  return out;
}

}  // namespace llmgw::guard
