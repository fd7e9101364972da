#include "frontends/routing_fields.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "util/json_escape.hpp"

namespace llmgw::frontends {
namespace {

/// A top-level member to cut: bytes [begin, end) from the key's opening quote to the value's end.
struct Span {
  std::size_t begin = 0, end = 0;
};

/// SAX pass over the top level: records "fallbacks" / "models" (their strings and spans) and
/// whether "model" is there. Stops at the first thing wrong: a list entry past
/// kMaxClientFallbacks, a field given twice, nesting past the depth limit.
class FieldsHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, FieldsHandler> {
 public:
  FieldsHandler(std::string_view body, rapidjson::MemoryStream& in, unsigned max_depth)
      : body_(body), in_(in), max_depth_(static_cast<int>(max_depth)) {}

  std::vector<std::string> models, fallbacks;
  std::vector<Span> spans;
  bool has_model = false;
  std::optional<canonical::ApiError> error;

  bool Key(const char* s, rapidjson::SizeType len, bool) {
    if (depth_ != 1) return true;
    const std::string_view k(s, len);
    field_ = k == "models" ? Field::Models : k == "fallbacks" ? Field::Fallbacks : Field::Other;
    if (k == "model") has_model = true;
    if (field_ != Field::Other) {
      bool& seen = field_ == Field::Models ? seen_models_ : seen_fallbacks_;
      if (seen) return fail(name() + " appears more than once in the request body; send it once");
      seen = true;
      // The key as written ("models" or "fallbacks", no escapes) ends where the stream is now.
      const std::size_t end = in_.Tell();
      const bool plain = end >= len + 2 && body_[end - len - 2] == '"' && body_.substr(end - len - 1, len) == k;
      if (!plain) return fail(name() + " must be written without escapes");
      span_begin_ = end - len - 2;
    }
    return true;
  }
  bool String(const char* s, rapidjson::SizeType len, bool) {
    if (depth_ == 2 && in_list_) {
      if (len == 0) return fail(name() + " entries must be non-empty model names");
      if (++list_size_ > kMaxClientFallbacks)
        return fail(name() + " lists more than " + std::to_string(kMaxClientFallbacks) + " models (the limit is " +
                    std::to_string(kMaxClientFallbacks) + ")");
      (field_ == Field::Models ? models : fallbacks).emplace_back(s, len);
      return true;
    }
    return scalar();
  }
  bool StartObject() {
    if (depth_ >= max_depth_) return too_deep();
    if (depth_ == 2 && in_list_) return fail(name() + " entries must be model names (strings)");
    if (depth_ == 1 && field_ != Field::Other) return fail(name() + " must be a list of model names");
    ++depth_;
    return true;
  }
  bool EndObject(rapidjson::SizeType) { --depth_; return true; }
  bool StartArray() {
    if (depth_ >= max_depth_) return too_deep();
    if (depth_ == 0) return fail("The request body must be a JSON object, not an array");
    if (depth_ == 2 && in_list_) return fail(name() + " entries must be model names (strings)");
    if (depth_ == 1 && field_ != Field::Other) {
      in_list_ = true;
      list_size_ = 0;
    }
    ++depth_;
    return true;
  }
  bool EndArray(rapidjson::SizeType) {
    --depth_;
    if (depth_ == 1 && in_list_) {
      in_list_ = false;
      spans.push_back(Span{span_begin_, in_.Tell()});
      field_ = Field::Other;
    }
    return true;
  }
  bool Null() { return scalar(); }
  bool Bool(bool) { return scalar(); }
  bool Default() { return scalar(); }

 private:
  enum class Field { Other, Models, Fallbacks };
  std::string name() const { return field_ == Field::Models ? "'models'" : "'fallbacks'"; }
  bool scalar() {
    if (depth_ == 2 && in_list_) return fail(name() + " entries must be model names (strings)");
    if (depth_ == 1 && field_ != Field::Other) return fail(name() + " must be a list of model names");
    return true;
  }
  bool fail(std::string message) {
    error = canonical::ApiError::invalid(std::move(message), field_ == Field::Models ? "models" : "fallbacks");
    return false;
  }
  bool too_deep() {
    error = canonical::ApiError::invalid("The request body nests arrays and objects deeper than " + std::to_string(max_depth_) +
                                  " levels (at byte " + std::to_string(in_.Tell() - 1) + ")",
                              "", "json_too_deep");
    return false;
  }

  std::string_view body_;
  rapidjson::MemoryStream& in_;
  int max_depth_;
  int depth_ = 0;
  Field field_ = Field::Other;
  bool in_list_ = false;
  bool seen_models_ = false, seen_fallbacks_ = false;
  std::size_t list_size_ = 0;
  std::size_t span_begin_ = 0;
};

/// memmem: glibc's is vectorised, std::string_view::find is not.
bool contains(std::string_view haystack, std::string_view needle) {
  return ::memmem(haystack.data(), haystack.size(), needle.data(), needle.size()) != nullptr;
}

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// `body` without the members at `spans` (each with the comma that joined it to its
/// neighbour); `insert_model` (a JSON string) becomes the first member when non-empty.
void cut(std::string_view body, std::vector<Span> spans, const std::string& insert_model, std::string& out) {
  std::sort(spans.begin(), spans.end(), [](Span a, Span b) { return a.begin < b.begin; });
  std::vector<Span> cuts;
  std::size_t taken = 0;  // bytes before this are cut already
  for (Span s : spans) {
    std::size_t b = s.begin, e = s.end;
    std::size_t before = b;
    while (before > 0 && blank(body[before - 1])) --before;
    // The comma before, unless the previous cut took it ("models":[…],"fallbacks":[…] at the
    // front: the first cut took the comma between them, so this one takes the comma after it).
    if (before > taken && body[before - 1] == ',') {
      b = before - 1;  // ", member"
    } else {
      std::size_t after = e;
      while (after < body.size() && blank(body[after])) ++after;
      if (after < body.size() && body[after] == ',') e = after + 1;  // "member ,"
    }
    cuts.push_back(Span{b, e});
    taken = e;
  }
  out.clear();
  out.reserve(body.size() + insert_model.size() + 16);
  std::size_t at = 0;
  if (!insert_model.empty()) {
    const std::size_t brace = body.find('{');
    out.append(body.substr(0, brace + 1));
    out.append("\"model\":");
    out.append(insert_model);
    // A comma when members follow (whatever survives the cuts).
    std::size_t next = brace + 1;
    bool members_follow = false;
    for (std::size_t i = next; i < body.size(); ++i) {
      bool inside_cut = false;
      for (Span c : cuts)
        if (i >= c.begin && i < c.end) { i = c.end - 1; inside_cut = true; break; }
      if (inside_cut || blank(body[i])) continue;
      members_follow = body[i] != '}';
      break;
    }
    if (members_follow) out.push_back(',');
    at = next;
  }
  for (Span c : cuts) {
    if (c.begin < at) continue;
    out.append(body.substr(at, c.begin - at));
    at = c.end;
  }
  out.append(body.substr(at));
}

/// Appends names to a list once each: one hash lookup per name, whatever the list's length.
class UniqueAppender {
 public:
  explicit UniqueAppender(std::vector<std::string>& to) : to_(to) {
    seen_.reserve(to.size() + kMaxClientFallbacks);
    for (const std::string& name : to) seen_.insert(name);
  }
  void add(std::string_view name) {
    if (seen_.insert(std::string(name)).second) to_.emplace_back(name);
  }

 private:
  std::vector<std::string>& to_;
  std::unordered_set<std::string> seen_;
};

/// "a, b ,c" → [a, b, c], each once; a 400 past kMaxClientFallbacks entries (counted as
/// written, before duplicates are dropped), found without looking further.
std::optional<canonical::ApiError> split_header(std::string_view value, std::vector<std::string>& to) {
  UniqueAppender unique(to);
  std::size_t entries = 0;
  std::size_t i = 0;
  while (i <= value.size()) {
    std::size_t comma = value.find(',', i);
    if (comma == std::string_view::npos) comma = value.size();
    std::size_t b = i, e = comma;
    while (b < e && blank(value[b])) ++b;
    while (e > b && blank(value[e - 1])) --e;
    if (e > b) {
      if (++entries > kMaxClientFallbacks)
        return canonical::ApiError::invalid("x-llmgw-fallbacks lists more than " + std::to_string(kMaxClientFallbacks) +
                                     " models (the limit is " + std::to_string(kMaxClientFallbacks) + ")",
                                 "fallbacks");
      unique.add(value.substr(b, e - b));
    }
    i = comma + 1;
  }
  return std::nullopt;
}

}  // namespace

std::optional<canonical::ApiError> take_body_routing_fields(std::string_view& body, std::string& cleaned, RoutingFields& out,
                                                 unsigned max_depth) {
  out.fallbacks.clear();
  out.present = false;
  if (!contains(body, "models\"") && !contains(body, "fallbacks\"")) return std::nullopt;
  rapidjson::MemoryStream in(body.data(), body.size());
  FieldsHandler handler(body, in, max_depth);
  rapidjson::Reader reader;
  reader.Parse<rapidjson::kParseStopWhenDoneFlag>(in, handler);
  if (handler.error) return handler.error;
  // Invalid JSON is left for the request scan to report in its own words.
  if (handler.spans.empty()) return std::nullopt;
  out.present = true;
  std::string insert_model;
  if (!handler.has_model && !handler.models.empty()) util::append_json_string(insert_model, handler.models.front());
  UniqueAppender unique(out.fallbacks);
  for (std::size_t i = handler.has_model ? 0 : 1; i < handler.models.size(); ++i) unique.add(handler.models[i]);
  for (const auto& f : handler.fallbacks) unique.add(f);
  cut(body, handler.spans, insert_model, cleaned);
  body = cleaned;
  return std::nullopt;
}

std::optional<canonical::ApiError> add_header_fallbacks(std::string_view header_value, RoutingFields& out) {
  if (header_value.empty()) return std::nullopt;
  out.present = true;
  return split_header(header_value, out.fallbacks);
}

std::optional<canonical::ApiError> take_routing_fields(const server::Request& request, bool in_body,
                                            std::string_view& body, std::string& cleaned, RoutingFields& out,
                                            unsigned max_depth) {
  out.fallbacks.clear();
  out.present = false;
  if (in_body)
    if (auto rejected = take_body_routing_fields(body, cleaned, out, max_depth)) return rejected;
  // Every field of that name counts (a list may be split over several).
  for (const canonical::HeaderField& field : request.headers())
    if (canonical::iequals_ascii(field.name, "x-llmgw-fallbacks"))
      if (auto rejected = add_header_fallbacks(field.value, out)) return rejected;
  return std::nullopt;
}

}  // namespace llmgw::frontends
