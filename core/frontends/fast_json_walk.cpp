#include "frontends/fast_json_walk.hpp"

#include <atomic>
#include <memory>

#include "util/json_span.hpp"

namespace llmgw::frontends::fast_json {
namespace {

std::atomic<bool> g_enabled{true};

/// Bodies up to this size keep the thread's parser buffers for the next scan.
constexpr std::size_t kKeepCapacity = std::size_t{256} << 10;

struct ThreadParser {
  std::unique_ptr<simdjson::dom::parser> parser;
  std::size_t depth = 0;
};

ThreadParser& thread_parser() {
  thread_local ThreadParser tp;
  return tp;
}

bool blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool enabled() noexcept { return g_enabled.load(std::memory_order_relaxed); }
void set_enabled(bool on) noexcept { g_enabled.store(on, std::memory_order_relaxed); }

simdjson::simdjson_result<simdjson::dom::element> parse(std::string_view body, unsigned max_depth) {
  ThreadParser& tp = thread_parser();
  // simdjson's limit sits one level below the handlers' (it counts the root document too): one
  // more, so the handlers decide at the boundary as they do on the reference path.
  const std::size_t depth = std::size_t{max_depth} + 1;
  if (!tp.parser || tp.depth != depth) {
    tp.parser = std::make_unique<simdjson::dom::parser>();
    if (tp.parser->allocate(std::max<std::size_t>(body.size(), 4096), depth) != simdjson::SUCCESS) {
      tp.parser.reset();
      return simdjson::MEMALLOC;
    }
    tp.depth = depth;
  }
  // realloc_if_needed: the body is copied into the parser's padded buffer (its reads run up to
  // SIMDJSON_PADDING bytes past the end).
  return tp.parser->parse(body.data(), body.size(), true);
}

void release_after(std::size_t body_size) noexcept {
  if (body_size > kKeepCapacity) thread_parser().parser.reset();
}

namespace detail {

bool may_hold_long_exponent(std::string_view text) noexcept {
  for (std::size_t i = text.find_first_of("eE"); i != std::string_view::npos; i = text.find_first_of("eE", i + 1)) {
    std::size_t j = i + 1;
    if (j < text.size() && text[j] == '+') ++j;
    std::size_t digits = 0;
    while (j + digits < text.size() && text[j + digits] >= '0' && text[j + digits] <= '9') ++digits;
    if (digits >= 3) return true;
  }
  return false;
}

}  // namespace detail

TopLevelCursor::TopLevelCursor(std::string_view text) noexcept : t_(text) {
  skip_blanks();
  if (p_ < t_.size() && t_[p_] == '{') ++p_;
}

void TopLevelCursor::skip_blanks() noexcept {
  while (p_ < t_.size() && blank(t_[p_])) ++p_;
}

void TopLevelCursor::skip_string() noexcept {
  const std::size_t end = util::json_string_end(t_, p_);
  p_ = end == std::string_view::npos ? t_.size() : end;
}

void TopLevelCursor::skip_value() noexcept {
  if (p_ >= t_.size()) return;
  const char c = t_[p_];
  if (c == '"') return skip_string();
  if (c != '{' && c != '[') {  // number, true, false, null
    while (p_ < t_.size() && t_[p_] != ',' && t_[p_] != '}' && t_[p_] != ']' && !blank(t_[p_])) ++p_;
    return;
  }
  int depth = 0;
  while (p_ < t_.size()) {
    const char d = t_[p_];
    if (d == '"') {
      skip_string();
      continue;
    }
    if (d == '{' || d == '[') ++depth;
    else if ((d == '}' || d == ']') && --depth == 0) {
      ++p_;
      return;
    }
    ++p_;
  }
}

void TopLevelCursor::skip_key_and_colon() noexcept {
  skip_blanks();
  if (p_ < t_.size() && t_[p_] == ',') ++p_;
  skip_blanks();
  skip_string();
  skip_blanks();
  if (p_ < t_.size() && t_[p_] == ':') ++p_;
  skip_blanks();
}

std::size_t TopLevelCursor::value_begin(std::size_t index) noexcept {
  while (field_ < index) {
    skip_key_and_colon();
    skip_value();
    ++field_;
  }
  const std::size_t field_start = p_;
  skip_key_and_colon();
  const std::size_t at = p_;
  p_ = field_start;  // the next call skips this field whole
  return at;
}

}  // namespace llmgw::frontends::fast_json
