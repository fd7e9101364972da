// The scripts' texts as sent to Redis (limits/redis_scripts: lua_compact): the first line (what the
// script is, with its version) kept; other comment lines, blank lines and indentation dropped, so
// that Redis hashes fewer bytes per EVAL; the code itself unchanged.
#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "limits/redis_scripts.hpp"

using namespace llmgw::limits;

namespace {

/// Lines of `text` after the first that are comments, blank or indented.
int loose_lines(std::string_view text) {
  int n = 0;
  bool first = true;
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!first && (line.empty() || line[0] == ' ' || line[0] == '\t' || line.substr(0, 2) == "--")) ++n;
    first = false;
  }
  return n;
}

}  // namespace

TEST_CASE("lua compact: the first line kept, other comment lines, blank lines and indentation dropped") {
  CHECK(lua_compact("-- llmgw x v2: what\n  local a = 1 -- kept: not a whole line\n  -- a note\n\n\treturn a\n") ==
        "-- llmgw x v2: what\nlocal a = 1 -- kept: not a whole line\nreturn a\n");
  CHECK(lua_compact("return '--'") == "return '--'\n");
  CHECK(lua_compact("") == "");
}

TEST_CASE("lua compact: every limits script goes compacted, named by its first line") {
  for (const RedisScript* s : {&admit_script(), &finish_script(), &release_script()}) {
    CHECK(s->text.substr(0, 9) == "-- llmgw ");
    CHECK(loose_lines(s->text) == 0);
    CHECK(lua_compact(s->text) == s->text);
  }
  CHECK(finish_script().text.size() < 2000);  // (2,352 bytes with its comments and indentation)
}
