#include "scan.hpp"

#include "wire.hpp"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <llmgw/json_depth.hpp>

#include <cstring>

namespace llmgw::provider_anthropic {
namespace {

/// A SAX handler base that knows where it is: the names of the open containers (an array
/// element is named "[]") down to kMaxDepth, and the last key of the current object.
/// Derived handlers implement on_string / on_int / on_bool / on_open.
template <typename Derived>
struct PathHandler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, PathHandler<Derived>> {
  static constexpr int kMaxDepth = 4;
  int depth = 0;
  bool too_deep = false;             // a container opened past llmgw::kJsonMaxDepth
  std::string names[kMaxDepth + 1];  // names[d]: the container at depth d (1 = the root)
  bool arrays[kMaxDepth + 1] = {};
  std::string key;                   // the last key read in the current object

  Derived& self() { return *static_cast<Derived*>(this); }
  bool in_object() const { return depth >= 1 && depth <= kMaxDepth && !arrays[depth]; }
  std::string_view name(int d) const { return d <= depth && d <= kMaxDepth ? std::string_view(names[d]) : std::string_view(); }

  bool open(bool array) {
    if (depth >= static_cast<int>(kJsonMaxDepth)) return too_deep = true, false;
    const bool named = in_object();
    ++depth;
    if (depth <= kMaxDepth) {
      names[depth] = named ? key : (depth == 1 ? "" : "[]");
      arrays[depth] = array;
      self().on_open(array);
    }
    key.clear();
    return true;
  }
  void close() {
    --depth;
    key.clear();
  }

  bool StartObject() { return open(false); }
  bool EndObject(rapidjson::SizeType) { close(); return true; }
  bool StartArray() { return open(true); }
  bool EndArray(rapidjson::SizeType) { close(); return true; }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    if (depth <= kMaxDepth) key.assign(s, n);
    return true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (in_object()) self().on_string(std::string_view(s, n));
    return true;
  }
  bool Int(int v) { return integer(v); }
  bool Uint(unsigned v) { return integer(v); }
  bool Int64(int64_t v) { return integer(v); }
  bool Uint64(uint64_t v) { return integer(v > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(v)); }
  bool Bool(bool b) {
    if (in_object()) self().on_bool(b);
    return true;
  }
  bool integer(int64_t v) {
    if (in_object()) self().on_int(v);
    return true;
  }
  // Defaults for handlers that do not care.
  void on_open(bool) {}
  void on_string(std::string_view) {}
  void on_int(int64_t) {}
  void on_bool(bool) {}
};

struct MessageHandler : PathHandler<MessageHandler> {
  MessageScan* out;
  explicit MessageHandler(MessageScan* o) : out(o) {}

  void on_open(bool array) {
    if (depth == 1) out->root_object = !array;
    if (depth == 2 && !array && names[2] == "error") out->has_error = true;
  }
  void on_string(std::string_view v) {
    if (depth == 1 && key == "type") out->type.assign(v);
    else if (depth == 2 && names[2] == "error" && key == "type") out->error_type.assign(v);
    else if (depth == 2 && names[2] == "error" && key == "message") out->error_message.assign(v);
  }
  void on_int(int64_t v) {
    if ((depth == 2 && names[2] == "usage") || (depth == 3 && names[2] == "message" && names[3] == "usage"))
      out->usage.set(key, v);
  }
};

struct RequestHandler : PathHandler<RequestHandler> {
  RequestFacts* out;
  explicit RequestHandler(RequestFacts* o) : out(o) {}

  void on_string(std::string_view v) {
    if (depth == 2 && names[2] == "response_format" && key == "type") out->json_schema = v == "json_schema";
    else if (depth == 3 && names[2] == "response_format" && names[3] == "json_schema" && key == "name")
      out->json_tool_name.assign(v);
  }
  void on_bool(bool b) {
    if (depth == 2 && names[2] == "stream_options" && key == "include_usage") out->include_usage = b;
  }
};

template <typename Handler>
bool run(std::string_view json, Handler& h) {
  rapidjson::MemoryStream ms(json.data(), json.size());
  rapidjson::Reader reader;
  return !reader.Parse<rapidjson::kParseDefaultFlags>(ms, h).IsError();
}

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
}

bool mentions(std::string_view body, std::string_view word) { return body.find(word) != std::string_view::npos; }

}  // namespace

std::string_view leading_type(std::string_view json) noexcept {
  std::size_t i = 0;
  skip_space(json, i);
  if (i >= json.size() || json[i] != '{') return {};
  ++i;
  skip_space(json, i);
  static constexpr std::string_view kKey = "\"type\"";
  if (json.substr(i, kKey.size()) != kKey) return {};
  i += kKey.size();
  skip_space(json, i);
  if (i >= json.size() || json[i] != ':') return {};
  ++i;
  skip_space(json, i);
  if (i >= json.size() || json[i] != '"') return {};
  const std::size_t start = ++i;
  while (i < json.size() && json[i] != '"') {
    if (json[i] == '\\') return {};
    ++i;
  }
  if (i >= json.size()) return {};
  return json.substr(start, i - start);
}

MessageScan scan_message(std::string_view json) {
  MessageScan scan;
  MessageHandler h(&scan);
  scan.valid = run(json, h);
  scan.too_deep = h.too_deep;
  return scan;
}

RequestFacts scan_request(std::string_view body) {
  RequestFacts facts;
  if (!mentions(body, "include_usage") && !mentions(body, "json_schema")) return facts;
  RequestHandler h(&facts);
  if (!run(body, h)) return RequestFacts{};
  if (!facts.json_schema) facts.json_tool_name.clear();
  else if (facts.json_tool_name.empty()) facts.json_tool_name = kDefaultJsonToolName;
  return facts;
}

}  // namespace llmgw::provider_anthropic
