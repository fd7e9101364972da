#include <llmgw/json_depth.hpp>

#include <catch2/catch.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <string>

namespace {

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

/// {"a":{"a":…{"a":1}…}} with `depth` objects.
std::string nested_objects(std::size_t depth) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += "{\"a\":";
  s += '1';
  s.append(depth, '}');
  return s;
}

/// Counts events, to show the wrapper forwards them.
struct Counter : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Counter> {
  int containers = 0, scalars = 0, keys = 0;
  bool Default() { return ++scalars, true; }
  bool Key(const char*, rapidjson::SizeType, bool) { return ++keys, true; }
  bool StartObject() { return ++containers, true; }
  bool StartArray() { return ++containers, true; }
  bool EndObject(rapidjson::SizeType) { return true; }
  bool EndArray(rapidjson::SizeType) { return true; }
};

}  // namespace

TEST_CASE("json_depth: the default limit is 128") {
  STATIC_REQUIRE(llmgw::kJsonMaxDepth == 128);
}

TEST_CASE("json_depth: a document at the limit parses, one level more is too deep") {
  rapidjson::Document at;
  CHECK(llmgw::parse_bounded(at, nested_arrays(128)).ok());
  CHECK(at.IsArray());

  rapidjson::Document past;
  const llmgw::JsonResult r = llmgw::parse_bounded(past, nested_arrays(129));
  CHECK(r.too_deep());
  CHECK_FALSE(r.malformed());
  CHECK_FALSE(r);
  CHECK(r.offset == 128);  // the 129th '['
  CHECK(past.IsNull());    // left as it was

  rapidjson::Document objects;
  CHECK(llmgw::parse_bounded(objects, nested_objects(128)).ok());
  CHECK(llmgw::parse_bounded(objects, nested_objects(129)).too_deep());
}

TEST_CASE("json_depth: the same results on the recursive and the iterative reader") {
  // Up to kJsonRecursiveDepth the recursive reader runs, above it the iterative one.
  REQUIRE(llmgw::kJsonRecursiveDepth == 128);
  for (unsigned limit : {128u, 129u, 1000u}) {
    INFO(limit);
    rapidjson::Document d;
    CHECK(llmgw::parse_bounded(d, nested_arrays(limit), limit).ok());
    const llmgw::JsonResult r = llmgw::parse_bounded(d, nested_arrays(limit + 1), limit);
    CHECK(r.too_deep());
    CHECK(r.offset == limit);  // the bracket one past the limit
    const std::string bad = nested_arrays(limit).insert(limit, "x");
    CHECK(llmgw::parse_bounded(d, bad, limit).malformed());
    Counter c;
    const std::string past = nested_arrays(limit + 1);
    rapidjson::StringStream in(past.c_str());
    const llmgw::JsonResult sax = llmgw::parse_sax_bounded(in, c, limit);
    CHECK(sax.too_deep());
    CHECK(sax.offset == limit);
  }
}

TEST_CASE("json_depth: a large limit parses deep documents with a flat stack") {
  // 200,000 levels recursively would need megabytes of stack; the iterative reader needs none.
  rapidjson::Document d;
  CHECK(llmgw::parse_bounded(d, nested_arrays(200'000), 200'000).ok());
  CHECK(llmgw::parse_bounded(d, std::string(1'000'000, '['), 200'000).too_deep());
}

TEST_CASE("json_depth: a per-call limit") {
  rapidjson::Document d;
  CHECK(llmgw::parse_bounded(d, "[[1]]", 2).ok());
  CHECK(llmgw::parse_bounded(d, "[[[1]]]", 2).too_deep());
  CHECK(llmgw::parse_bounded(d, "7", 0).ok());  // a scalar is depth 0
  CHECK(llmgw::parse_bounded(d, "[]", 0).too_deep());
}

TEST_CASE("json_depth: malformed input is told apart from too deep") {
  rapidjson::Document d;
  const llmgw::JsonResult bad = llmgw::parse_bounded(d, "{\"a\":");
  CHECK(bad.malformed());
  CHECK(bad.code != rapidjson::kParseErrorNone);
  CHECK(llmgw::parse_bounded(d, "[1] 2").malformed());  // one value only
  CHECK(llmgw::parse_bounded(d, "").malformed());
  // Malformed below the limit is malformed; malformed only past the limit is too deep: the
  // parse stops at the first container too many.
  CHECK(llmgw::parse_bounded(d, "[[[x]]]", 4).malformed());
  CHECK(llmgw::parse_bounded(d, nested_arrays(200).substr(0, 300)).too_deep());
}

TEST_CASE("json_depth: 1,000,000 levels fail fast and without a crash") {
  const std::string deep(1'000'000, '[');
  const auto start = std::chrono::steady_clock::now();
  rapidjson::Document d;
  const llmgw::JsonResult r = llmgw::parse_bounded(d, deep);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  CHECK(r.too_deep());
  CHECK(ms < 100);  // it stops at level 129, not at the end

  Counter c;
  rapidjson::StringStream in(deep.c_str());
  CHECK(llmgw::parse_sax_bounded(in, c).too_deep());
  CHECK(c.containers == 128);
}

TEST_CASE("json_depth: brackets inside strings do not count") {
  const std::string text = std::string("{\"a\":\"").append(1000, '[').append(1000, '{').append("\",\"b\":[\"]]]]\"]}");
  rapidjson::Document d;
  REQUIRE(llmgw::parse_bounded(d, text, 2).ok());
  CHECK(d["a"].GetStringLength() == 2000);
  CHECK(std::string(d["b"][0].GetString()) == "]]]]");
}

TEST_CASE("json_depth: flags pass through") {
  rapidjson::Document d;
  CHECK(llmgw::parse_bounded<rapidjson::kParseValidateEncodingFlag>(d, "\"\xff\"").malformed());
  CHECK(llmgw::parse_bounded(d, "\"\xff\"").ok());  // not validated by default
  REQUIRE(llmgw::parse_bounded<rapidjson::kParseFullPrecisionFlag>(d, "0.1").ok());
  CHECK(d.GetDouble() == 0.1);
}

TEST_CASE("json_depth: a bounded document writes back out") {
  rapidjson::Document d;
  REQUIRE(llmgw::parse_bounded(d, nested_objects(128)).ok());
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  CHECK(d.Accept(w));
  CHECK(std::string(sb.GetString()) == nested_objects(128));
}

TEST_CASE("json_depth: the SAX wrapper forwards every event and tells its own stop apart") {
  Counter c;
  const std::string text = "{\"k\":[1,\"s\",null,true,{\"x\":2.5}]}";
  rapidjson::StringStream in(text.c_str());
  CHECK(llmgw::parse_sax_bounded(in, c).ok());
  CHECK(c.containers == 3);
  CHECK(c.keys == 2);
  CHECK(c.scalars == 5);

  struct Refuses : Counter {
    bool Null() { return false; }
  } refuses;
  rapidjson::StringStream in2(text.c_str());
  const llmgw::JsonResult r = llmgw::parse_sax_bounded(in2, refuses);
  CHECK(r.malformed());  // the handler's own stop, not the depth
  CHECK(r.code == rapidjson::kParseErrorTermination);
}

TEST_CASE("json_depth: a reader stack allocator can be supplied") {
  char buffer[1024];
  rapidjson::MemoryPoolAllocator<> pool(buffer, sizeof buffer);
  rapidjson::Document d;
  CHECK(llmgw::parse_bounded(d, "{\"a\":[\"x\\u0041\"]}", llmgw::kJsonMaxDepth, &pool).ok());
  CHECK(std::string(d["a"][0].GetString()) == "xA");
}

TEST_CASE("json_depth: in-situ parsing is bounded the same way") {
  std::string at = std::string("{\"k\":\"v\\n\",\"a\":").append(nested_arrays(127)).append("}");
  rapidjson::Document d;
  REQUIRE(llmgw::parse_bounded_insitu(d, at.data()).ok());
  CHECK(std::string(d["k"].GetString()) == "v\n");
  std::string past = nested_arrays(129);
  CHECK(llmgw::parse_bounded_insitu(d, past.data()).too_deep());
  std::string bad = "{\"a\":";
  CHECK(llmgw::parse_bounded_insitu(d, bad.data()).malformed());
  std::string huge(1'000'000, '[');
  CHECK(llmgw::parse_bounded_insitu(d, huge.data()).too_deep());
}
