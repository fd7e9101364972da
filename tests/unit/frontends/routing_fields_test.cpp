// The client's fallback list in the body ("fallbacks", "models") and the x-llmgw-fallbacks
// header: read, and cut out of the bytes with every other byte unchanged.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <chrono>

#include "frontends/routing_fields.hpp"

using namespace llmgw::frontends;

namespace {

struct Taken {
  std::string body;
  RoutingFields fields;
  std::optional<llmgw::canonical::ApiError> error;
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
  CHECK_FALSE(add_header_fallbacks(" b, c ,,d", f));
  CHECK(f.present);
  CHECK(f.fallbacks == std::vector<std::string>{"b", "c", "d"});
  RoutingFields none;
  CHECK_FALSE(add_header_fallbacks("", none));
  CHECK_FALSE(none.present);
}

namespace {

/// ["m0","m1",…] with `n` names, `distinct` of them different.
std::string name_list(std::size_t n, std::size_t distinct) {
  std::string s = "[";
  for (std::size_t i = 0; i < n; ++i) {
    if (i) s += ',';
    s += "\"m";
    s += std::to_string(i % distinct);
    s += '"';
  }
  return s + "]";
}

}  // namespace

TEST_CASE("a client list holds at most kMaxClientFallbacks entries", "[routing_fields]") {
  REQUIRE(kMaxClientFallbacks == 16);
  auto at = take(R"({"model":"a","fallbacks":)" + name_list(16, 16) + "}");
  REQUIRE_FALSE(at.error);
  CHECK(at.fields.fallbacks.size() == 16);
  // "models" counts its first entry too.
  CHECK_FALSE(take(R"({"models":)" + name_list(16, 16) + "}").error);
  for (const char* field : {"fallbacks", "models"}) {
    auto past = take(std::string(R"({"model":"a",")") + field + "\":" + name_list(17, 17) + "}");
    REQUIRE(past.error);
    CHECK(past.error->status == 400);
    CHECK(past.error->param == field);
    CHECK(past.error->message.find("more than 16") != std::string::npos);
  }
  // Counted as written: 17 copies of one name are 17 entries.
  CHECK(take(R"({"model":"a","fallbacks":)" + name_list(17, 1) + "}").error);

  RoutingFields header;
  std::string value;
  for (int i = 0; i < 16; ++i) {
    value += 'h';
    value += std::to_string(i);
    value += ',';
  }
  CHECK_FALSE(add_header_fallbacks(value, header));
  CHECK(header.fallbacks.size() == 16);
  RoutingFields over;
  auto rejected = add_header_fallbacks(value + "h16", over);
  REQUIRE(rejected);
  CHECK(rejected->status == 400);
  CHECK(rejected->message.find("more than 16") != std::string::npos);
}

TEST_CASE("a 40,000-entry list is refused at once", "[routing_fields]") {
  const std::string body = R"({"model":"a","fallbacks":)" + name_list(40'000, 40'000) + "}";
  std::string value;
  for (int i = 0; i < 40'000; ++i) {
    value += 'm';
    value += std::to_string(i);
    value += ',';
  }
  const auto start = std::chrono::steady_clock::now();
  auto t = take(body);
  RoutingFields header;
  auto rejected = add_header_fallbacks(value, header);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(t.error);
  CHECK(rejected);
  CHECK(ms < 50);
}

TEST_CASE("duplicates are dropped in one pass, keeping the first of each", "[routing_fields]") {
  auto t = take(R"({"model":"x","models":["a","b","a"],"fallbacks":["b","c","a","c"]})");
  REQUIRE_FALSE(t.error);
  CHECK(t.fields.fallbacks == std::vector<std::string>{"a", "b", "c"});
  CHECK_FALSE(add_header_fallbacks("c, d, a, d", t.fields));
  CHECK(t.fields.fallbacks == std::vector<std::string>{"a", "b", "c", "d"});
}

TEST_CASE("a routing field given twice is a 400", "[routing_fields]") {
  for (const char* body : {R"({"model":"a","fallbacks":["b"],"fallbacks":["c"]})",
                           R"({"models":["a"],"messages":[],"models":["b"]})"}) {
    INFO(body);
    auto t = take(body);
    REQUIRE(t.error);
    CHECK(t.error->status == 400);
    CHECK(t.error->message.find("more than once") != std::string::npos);
  }
}

TEST_CASE("routing fields: nesting past the limit stops the pass", "[routing_fields]") {
  const std::string deep = R"({"model":"a","fallbacks":["b"],"x":)" + std::string(200, '[') + std::string(200, ']') + "}";
  auto t = take(deep);
  REQUIRE(t.error);
  CHECK(t.error->code == "json_too_deep");
  std::string cleaned;
  RoutingFields f;
  std::string_view view = deep;
  CHECK_FALSE(take_body_routing_fields(view, cleaned, f, 256));  // a higher limit takes it
}
