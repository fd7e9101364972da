#include <catch2/catch.hpp>
#include <hiredis/hiredis.h>

#include <string>
#include <string_view>
#include <vector>

#include "limits/resp_command.hpp"

using llmgw::limits::format_resp_command;

namespace {

/// What hiredis itself writes for the same arguments.
std::string hiredis_form(const std::vector<std::string_view>& argv) {
  std::vector<const char*> args;
  std::vector<std::size_t> lens;
  for (std::string_view a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  char* cmd = nullptr;
  const int n = redisFormatCommandArgv(&cmd, static_cast<int>(argv.size()), args.data(), lens.data());
  REQUIRE(n > 0);
  std::string out(cmd, static_cast<std::size_t>(n));
  redisFreeCommand(cmd);
  return out;
}

}  // namespace

TEST_CASE("resp command: the wire form of an array of bulk strings") {
  std::string out;
  const std::vector<std::string_view> argv{"EVALSHA", "abc", "1"};
  format_resp_command(argv, out);
  CHECK(out == "*3\r\n$7\r\nEVALSHA\r\n$3\r\nabc\r\n$1\r\n1\r\n");
}

TEST_CASE("resp command: byte for byte hiredis' own form, the buffer reused") {
  const std::string binary("a\0\r\n$*b", 7);
  const std::string long_arg(70000, 'x');
  const std::vector<std::vector<std::string_view>> cases{
      {"PING"},
      {"SET", "", "v"},
      {"EVAL", long_arg, "0"},
      {"HSET", binary, "field", "-12345678901234"},
      {"EVALSHA", "0123456789abcdef0123456789abcdef01234567", "9", "llmgw:rl:v2:key:abc:req", "llmgw:rl:v2:key:abc:tok",
       "llmgw:rl:v2:key:abc:par", "m-1", "1000", "60000", "1", "300", "100000", "0"},
  };
  std::string out = "left over from an earlier command, longer than some of these";
  for (const auto& argv : cases) {
    format_resp_command(argv, out);
    CHECK(out == hiredis_form(argv));
  }
  // Ten arguments and more: the count has two digits.
  std::vector<std::string_view> many(12, "x");
  format_resp_command(many, out);
  CHECK(out.rfind("*12\r\n", 0) == 0);
  CHECK(out == hiredis_form(many));
}
