// The client's fallback list in the body ("fallbacks", "models") and the x-llmgw-fallbacks
// header: read, and cut out of the bytes with every other byte unchanged.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include "frontends/routing_fields.hpp"

using namespace llmgw::frontends;

namespace {

struct Taken {
  std::string body;
  RoutingFields fields;
  std::optional<ApiError> error;
};

Taken take(std::string_view body) {
  Taken t;
  std::string cleaned;
  std::string_view view = body;
  t.error = take_body_routing_fields(view, cleaned, t.fields);
  t.body.assign(view);
  return t;
}

bool valid_json(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str(), s.size());
  return !d.HasParseError() && d.IsObject();
}

}  // namespace

TEST_CASE("a body without routing fields is left alone", "[routing_fields]") {
  const std::string body = R"({"model":"a","messages":[{"role":"user","content":"models"}]})";
  auto t = take(body);
  CHECK_FALSE(t.error);
  CHECK_FALSE(t.fields.present);
  CHECK(t.body == body);
  // The words inside strings or deeper objects are not fields.
  auto deep = take(R"({"model":"a","metadata":{"fallbacks":["x"]},"messages":[]})");
  CHECK_FALSE(deep.fields.present);
}

TEST_CASE("LiteLLM's fallbacks are read and cut out, other bytes unchanged", "[routing_fields]") {
  auto last = take("{\"model\":\"a\",\t\"messages\":[] ,\n \"fallbacks\" : [\"b\", \"c\"]\n}");
  REQUIRE_FALSE(last.error);
  CHECK(last.fields.present);
  CHECK(last.fields.fallbacks == std::vector<std::string>{"b", "c"});
  CHECK(last.body == "{\"model\":\"a\",\t\"messages\":[] \n}");
  auto first = take(R"({ "fallbacks":["b"], "model":"a","messages":[]})");
  CHECK(first.body == R"({  "model":"a","messages":[]})");
  auto middle = take(R"({"model":"a","fallbacks":["b"],"messages":[]})");
  CHECK(middle.body == R"({"model":"a","messages":[]})");
  CHECK(valid_json(last.body));
  CHECK(valid_json(first.body));
}

TEST_CASE("OpenRouter's models: the first is the model when none is given, the rest fall back", "[routing_fields]") {
  auto t = take(R"({"models":["a","b","c"],"messages":[{"role":"user","content":"hi"}]})");
  REQUIRE_FALSE(t.error);
  CHECK(t.fields.fallbacks == std::vector<std::string>{"b", "c"});
  CHECK(t.body == R"({"model":"a","messages":[{"role":"user","content":"hi"}]})");
  auto only = take(R"({"models":["a"]})");
  CHECK(only.body == R"({"model":"a"})");
  CHECK(only.fields.fallbacks.empty());
  auto with_model = take(R"({"model":"x","models":["a","b"],"fallbacks":["b","d"],"messages":[]})");
  CHECK(with_model.fields.fallbacks == std::vector<std::string>{"a", "b", "d"});
  CHECK(with_model.body == R"({"model":"x","messages":[]})");
}

TEST_CASE("models and fallbacks side by side at the front are both cut out", "[routing_fields]") {
  // Both cuts wanted the comma between them: the second was skipped and "fallbacks" went
  // upstream (found by fuzz chat_request_scan; regressions/chat_request_scan).
  auto t = take(R"({"models":["a","b"],"fallbacks":["b","d"],"messages":[]})");
  REQUIRE_FALSE(t.error);
  CHECK(t.body == R"({"model":"a","messages":[]})");
  CHECK(t.fields.fallbacks == std::vector<std::string>{"b", "d"});
  auto only = take(R"({"fallbacks":["x"] , "models":["a"]})");
  CHECK(valid_json(only.body));
  CHECK(only.body.find("fallbacks") == std::string::npos);
  CHECK(only.body.find("models") == std::string::npos);
  auto three = take(R"({"fallbacks":["x"],"models":["a"],"model":"m","stream":true})");
  CHECK(three.body == R"({"model":"m","stream":true})");
}

TEST_CASE("routing fields of the wrong shape are a 400 naming the field", "[routing_fields]") {
  for (const char* body : {R"({"model":"a","fallbacks":"b"})", R"({"model":"a","fallbacks":[1]})",
                           R"({"model":"a","fallbacks":[{"model":"b"}]})", R"({"model":"a","models":[""]})",
                           R"({"model":"a","models":{"b":1}})"}) {
    auto t = take(body);
    INFO(body);
    REQUIRE(t.error);
    CHECK(t.error->status == 400);
    CHECK((t.error->param == "fallbacks" || t.error->param == "models"));
  }
}

TEST_CASE("the x-llmgw-fallbacks header adds aliases, each once", "[routing_fields]") {
  RoutingFields f;
  f.fallbacks = {"b"};
  add_header_fallbacks(" b, c ,,d", f);
  CHECK(f.present);
  CHECK(f.fallbacks == std::vector<std::string>{"b", "c", "d"});
  RoutingFields none;
  add_header_fallbacks("", none);
  CHECK_FALSE(none.present);
}
