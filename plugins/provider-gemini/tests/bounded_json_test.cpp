// plugin_util::parse_bounded: the nesting limit every parse of outside bytes goes through.
#include <plugin_util/bounded_json.hpp>

#include <catch2/catch.hpp>

#include <string>

using llmgw::plugin_util::JsonParse;
using llmgw::plugin_util::parse_bounded;

TEST_CASE("100,000 nested arrays are refused as too deep without recursion") {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  rapidjson::Document doc;
  CHECK(llmgw::plugin_util::parse_bounded(doc, deep) == JsonParse::kTooDeep);
  CHECK(doc.IsNull());
  const std::string objects = [] {
    std::string s;
    for (int i = 0; i < 100000; ++i) s += "{\"a\":";
    s += "1";
    s += std::string(100000, '}');
    return s;
  }();
  CHECK(llmgw::plugin_util::parse_bounded(doc, objects) == JsonParse::kTooDeep);
}

TEST_CASE("128 levels parse, 129 do not") {
  rapidjson::Document doc;
  CHECK(llmgw::plugin_util::parse_bounded(doc, std::string(128, '[') + std::string(128, ']')) == JsonParse::kOk);
  CHECK(doc.IsArray());
  CHECK(llmgw::plugin_util::parse_bounded(doc, std::string(129, '[') + std::string(129, ']')) == JsonParse::kTooDeep);
}

TEST_CASE("syntax errors and bad UTF-8 are kSyntax; valid documents parse whole") {
  rapidjson::Document doc;
  CHECK(llmgw::plugin_util::parse_bounded(doc, "{\"a\":") == JsonParse::kSyntax);
  CHECK(llmgw::plugin_util::parse_bounded(doc, "\"\xff\"") == JsonParse::kSyntax);
  CHECK(llmgw::plugin_util::parse_bounded(doc, "") == JsonParse::kSyntax);
  REQUIRE(llmgw::plugin_util::parse_bounded(doc, R"({"a":[1,2.5,"x",null,true,{"b":-3}]})") == JsonParse::kOk);
  CHECK(doc["a"].Size() == 6);
  CHECK(doc["a"][5]["b"].GetInt() == -3);
}
