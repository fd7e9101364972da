#include "telemetry/response_facts.hpp"

#include <algorithm>
#include <cstring>

namespace llmgw::telemetry {
namespace {

constexpr int kMaxDepth = 64;               // deeper: the walk stops (what was read stays)
constexpr std::size_t kMaxValueBytes = 256;  // a longer id or model is not kept
constexpr std::size_t kMaxReasons = 16;
constexpr std::size_t kMaxReasonBytes = 64;

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int hex4(std::string_view s, std::size_t at) {
  if (at + 4 > s.size()) return -1;
  int v = 0;
  for (std::size_t i = at; i < at + 4; ++i) {
    const char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= c - '0';
    else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') v |= (c | 0x20) - 'a' + 10;
    else return -1;
  }
  return v;
}

/// A JSON string's contents (between its quotes) decoded into `out`; false when an escape is
/// malformed (the value is then not kept).
bool unescape(std::string_view raw, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    if (++i == raw.size()) return false;
    switch (raw[i]) {
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      case '/': out.push_back('/'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 't': out.push_back('\t'); break;
      case 'u': {
        int cp = hex4(raw, i + 1);
        if (cp < 0) return false;
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {  // a surrogate pair's high half
          const int low = i + 2 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u' ? hex4(raw, i + 3) : -1;
          if (low < 0xDC00 || low > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          return false;
        }
        put_utf8(out, static_cast<uint32_t>(cp));
        break;
      }
      default: return false;
    }
  }
  return true;
}

/// Keeps a string value in `out`: raw bytes when it has no escape, else decoded. A value that is
/// too long or badly escaped leaves `out` as it was.
bool keep(std::string_view raw, bool escaped, std::size_t limit, std::string& out) {
  if (raw.size() > limit * 6) return false;
  if (!escaped) {
    if (raw.size() > limit) return false;
    out.assign(raw);
    return true;
  }
  thread_local std::string decoded;
  if (!unescape(raw, decoded) || decoded.size() > limit) return false;
  out.assign(decoded);
  return true;
}

/// Which object a walk is in: the ones whose members are facts.
enum class Kind : uint8_t { kOther, kRoot, kMessage, kDelta, kChoice };

class Walker {
 public:
  Walker(std::string_view json, ResponseFacts& facts)
      : p_(json.data()), end_(json.data() + json.size()), f_(facts) {}

  void run() {
    skip_space();
    if (p_ < end_ && *p_ == '{') object(Kind::kRoot, 1);
  }

 private:
  void skip_space() {
    while (p_ < end_ && is_space(*p_)) ++p_;
  }

  /// At a '"': the string's raw contents; p_ past its closing quote.
  bool string(std::string_view& raw, bool& escaped) {
    const char* const begin = ++p_;
    escaped = false;
    for (;;) {
      const char* q = static_cast<const char*>(std::memchr(p_, '"', static_cast<std::size_t>(end_ - p_)));
      if (!q) return false;
      const char* b = q;
      while (b > begin && b[-1] == '\\') --b;
      p_ = q + 1;
      if ((q - b) % 2 == 0) {
        raw = std::string_view(begin, static_cast<std::size_t>(q - begin));
        escaped = escaped || std::memchr(begin, '\\', raw.size()) != nullptr;
        return true;
      }
      escaped = true;
    }
  }

  bool value(int depth, Kind obj, Kind elem) {
    if (depth > kMaxDepth || p_ >= end_) return false;
    switch (*p_) {
      case '{': return object(obj, depth);
      case '[': return array(elem, depth);
      case '"': {
        std::string_view raw;
        bool escaped;
        return string(raw, escaped);
      }
      default:
        while (p_ < end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && !is_space(*p_)) ++p_;
        return true;
    }
  }

  bool array(Kind elem, int depth) {
    ++p_;
    skip_space();
    if (p_ < end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    for (int64_t pos = 0;; ++pos) {
      skip_space();
      position_ = pos;
      if (!value(depth + 1, elem, Kind::kOther)) return false;
      skip_space();
      if (p_ >= end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != ']') return false;
      ++p_;
      return true;
    }
  }

  enum class Want : uint8_t { kNothing, kId, kModel, kReason, kIndex };

  bool object(Kind kind, int depth) {
    int64_t index = kind == Kind::kChoice ? position_ : 0;
    std::string_view reason;
    bool reason_escaped = false;
    ++p_;
    skip_space();
    if (p_ < end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      skip_space();
      if (p_ >= end_ || *p_ != '"') return false;
      std::string_view key;
      bool key_escaped;
      if (!string(key, key_escaped)) return false;
      skip_space();
      if (p_ >= end_ || *p_ != ':') return false;
      ++p_;
      skip_space();
      if (p_ >= end_) return false;
      Want want = Want::kNothing;
      Kind sub_obj = Kind::kOther, sub_elem = Kind::kOther;
      switch (kind) {
        case Kind::kRoot:
          if (key == "id") want = Want::kId;
          else if (key == "model") want = Want::kModel;
          else if (key == "stop_reason") want = Want::kReason;
          else if (key == "choices") sub_elem = Kind::kChoice;
          else if (key == "message") sub_obj = Kind::kMessage;
          else if (key == "delta") sub_obj = Kind::kDelta;
          break;
        case Kind::kMessage:
          if (key == "id") want = Want::kId;
          else if (key == "model") want = Want::kModel;
          else if (key == "stop_reason") want = Want::kReason;
          break;
        case Kind::kDelta:
          if (key == "stop_reason") want = Want::kReason;
          break;
        case Kind::kChoice:
          if (key == "finish_reason") want = Want::kReason;
          else if (key == "index") want = Want::kIndex;
          break;
        case Kind::kOther: break;
      }
      if (*p_ == '"' && want != Want::kNothing) {
        std::string_view raw;
        bool escaped;
        if (!string(raw, escaped)) return false;
        if (want == Want::kId) keep(raw, escaped, kMaxValueBytes, f_.id);
        else if (want == Want::kModel) keep(raw, escaped, kMaxValueBytes, f_.model);
        else if (want == Want::kReason) {
          reason = raw;
          reason_escaped = escaped;
        }
      } else if (want == Want::kIndex && *p_ >= '0' && *p_ <= '9') {
        int64_t v = 0;
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9' && v < 1000000) v = v * 10 + (*p_++ - '0');
        index = v;
        if (!value(depth + 1, Kind::kOther, Kind::kOther)) return false;  // the rest of the number
      } else if (!value(depth + 1, sub_obj, sub_elem)) {
        return false;
      }
      skip_space();
      if (p_ >= end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != '}') return false;
      ++p_;
      break;
    }
    if (!reason.empty()) {
      std::string decoded;
      if (!reason_escaped) f_.add_reason(index, reason);
      else if (keep(reason, true, kMaxReasonBytes, decoded)) f_.add_reason(index, decoded);
    }
    return true;
  }

  const char* p_;
  const char* const end_;
  ResponseFacts& f_;
  int64_t position_ = 0;  // the array position of the value being walked
};

/// A chunk that may still tell something: id or model missing, or a finish_reason that is a
/// string (most chunks carry `"finish_reason":null`).
bool chunk_worth_walking(const ResponseFacts& f, std::string_view json) {
  if (f.id.empty() || f.model.empty()) return true;
  static constexpr std::string_view kKey = "\"finish_reason\"";
  for (std::size_t at = json.find(kKey); at != std::string_view::npos; at = json.find(kKey, at + 1)) {
    std::size_t i = at + kKey.size();
    while (i < json.size() && is_space(json[i])) ++i;
    if (i < json.size() && json[i] == ':') ++i;
    while (i < json.size() && is_space(json[i])) ++i;
    if (i < json.size() && json[i] == '"') return true;
  }
  return false;
}

/// A field line's value: after "name:" and one optional space.
std::string_view field_value(std::string_view line, std::size_t name_len) {
  line.remove_prefix(name_len + 1);
  if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  return line;
}

}  // namespace

void ResponseFacts::add_reason(int64_t index, std::string_view reason) {
  if (reason.empty() || reason.size() > kMaxReasonBytes) return;
  const auto at = std::lower_bound(indexes_.begin(), indexes_.end(), index);
  if (at != indexes_.end() && *at == index) return;  // this choice's reason is known
  if (finish_reasons.size() >= kMaxReasons) return;
  const auto pos = at - indexes_.begin();
  indexes_.insert(at, index);
  finish_reasons.insert(finish_reasons.begin() + pos, std::string(reason));
}

void ResponseFacts::read_answer(std::string_view json) { Walker(json, *this).run(); }

void ResponseFacts::read_chunk(std::string_view chunk_json) {
  if (chunk_worth_walking(*this, chunk_json)) Walker(chunk_json, *this).run();
}

void ResponseFacts::read_event(std::string_view event, llmgw_dialect upstream) {
  const bool anthropic = upstream == LLMGW_DIALECT_ANTHROPIC_MESSAGES;
  std::string_view data;
  bool several = false;
  thread_local std::string joined;
  while (!event.empty()) {
    std::size_t end = event.find_first_of("\r\n");
    std::string_view line = event.substr(0, end);
    if (end == std::string_view::npos) end = event.size();
    else if (event[end] == '\r' && end + 1 < event.size() && event[end + 1] == '\n') ++end;
    event.remove_prefix(std::min(end + 1, event.size()));
    if (line.rfind("event:", 0) == 0) {
      // Anthropic: only message_start and message_delta carry the facts.
      const std::string_view name = field_value(line, 5);
      if (anthropic && name != "message_start" && name != "message_delta") return;
    } else if (line.rfind("data:", 0) == 0) {
      const std::string_view value = field_value(line, 4);
      if (data.data() == nullptr) {
        data = value;
      } else {  // several data lines: joined with a line feed, as SSE does
        if (!several) joined.assign(data);
        several = true;
        joined.push_back('\n');
        joined.append(value);
      }
    }
  }
  if (several) data = joined;
  if (data.empty() || data == "[DONE]") return;
  if (anthropic) Walker(data, *this).run();
  else read_chunk(data);
}

}  // namespace llmgw::telemetry
