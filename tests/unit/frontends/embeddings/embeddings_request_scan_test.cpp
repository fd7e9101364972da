// scan_embeddings_request: what POST /v1/embeddings accepts and what it refuses (400 naming the
// parameter), the model's byte span, and the input count.
#include <catch2/catch.hpp>

#include <string>

#include "frontends/embeddings/embeddings_request_scan.hpp"

using llmgw::frontends::embeddings::EmbeddingsRequestInfo;
using llmgw::frontends::embeddings::kMaxInputs;
using llmgw::frontends::embeddings::scan_embeddings_request;

namespace {

EmbeddingsRequestInfo accepted(const std::string& body) {
  EmbeddingsRequestInfo info;
  const auto error = scan_embeddings_request(body, info);
  INFO(body << " -> " << (error ? error->message : ""));
  REQUIRE_FALSE(error);
  return info;
}

/// The refusal's param (REQUIREs one).
std::string refused(const std::string& body, int status = 400) {
  EmbeddingsRequestInfo info;
  const auto error = scan_embeddings_request(body, info);
  INFO(body);
  REQUIRE(error);
  CHECK(error->status == status);
  return error->param;
}

}  // namespace

TEST_CASE("embeddings scan: every input shape OpenAI takes") {
  const std::string body = R"({"model":"text-embedding-3-small","input":"hello"})";
  const EmbeddingsRequestInfo one = accepted(body);
  CHECK(one.model == "text-embedding-3-small");
  CHECK(body.substr(one.model_begin, one.model_end - one.model_begin) == "\"text-embedding-3-small\"");
  CHECK(one.input_count == 1);
  CHECK(accepted(R"({"model":"m","input":["a","b","c"]})").input_count == 3);
  CHECK(accepted(R"({"model":"m","input":[1,2,3]})").input_count == 3);
  CHECK(accepted(R"({"model":"m","input":[[1,2],[3]]})").input_count == 2);
  CHECK(accepted(R"({"input":"x","model":"m","encoding_format":"base64","dimensions":256,"user":"u1"})").input_count == 1);
  CHECK(accepted(R"({"model":"m","input":"x","dimensions":null,"encoding_format":null})").input_count == 1);
  CHECK(accepted(R"({"model":"m","input":"x","extra_field":{"any":[1,{"deep":true}]}})").input_count == 1);
}

TEST_CASE("embeddings scan: refusals name their parameter") {
  CHECK(refused(R"({"input":"x"})") == "model");
  CHECK(refused(R"({"model":"m"})") == "input");
  CHECK(refused(R"({"model":"","input":"x"})") == "model");
  CHECK(refused(R"({"model":7,"input":"x"})") == "model");
  CHECK(refused(R"({"model":"m","input":""})") == "input");
  CHECK(refused(R"({"model":"m","input":[]})") == "input");
  CHECK(refused(R"({"model":"m","input":[""]})") == "input");
  CHECK(refused(R"({"model":"m","input":["a",1]})") == "input");
  CHECK(refused(R"({"model":"m","input":[[1],"a"]})") == "input");
  CHECK(refused(R"({"model":"m","input":[[]]})") == "input");
  CHECK(refused(R"({"model":"m","input":[[1,"a"]]})") == "input");
  CHECK(refused(R"({"model":"m","input":[[[1]]]})") == "input");
  CHECK(refused(R"({"model":"m","input":[-1]})") == "input");
  CHECK(refused(R"({"model":"m","input":[1.5]})") == "input");
  CHECK(refused(R"({"model":"m","input":{"text":"x"}})") == "input");
  CHECK(refused(R"({"model":"m","input":null})") == "input");
  CHECK(refused(R"({"model":"m","input":"x","encoding_format":"int8"})") == "encoding_format");
  CHECK(refused(R"({"model":"m","input":"x","dimensions":0})") == "dimensions");
  CHECK(refused(R"({"model":"m","input":"x","dimensions":"256"})") == "dimensions");
  CHECK(refused(R"({"model":"m","input":"x","user":5})") == "user");
  CHECK(refused(R"(["model","m"])") == "");
  CHECK(refused(R"({"model":"m","input":"x"} trailing)") == "");
}

TEST_CASE("embeddings scan: at most 2048 inputs; a duplicate model; nesting bounded") {
  std::string many = R"({"model":"m","input":[)";
  for (std::size_t i = 0; i < kMaxInputs; ++i) many += (i ? ",\"a\"" : "\"a\"");
  CHECK(accepted(many + "]}").input_count == kMaxInputs);
  CHECK(refused(many + ",\"a\"]}") == "input");
  EmbeddingsRequestInfo info;
  auto dup = scan_embeddings_request(R"({"model":"a","input":"x","model":"b"})", info);
  REQUIRE(dup);
  CHECK(dup->code == "duplicate_key");
  auto dup_input = scan_embeddings_request(R"({"model":"a","input":["x","y"],"input":["z"]})", info);  // found by fuzzing
  REQUIRE(dup_input);
  CHECK(dup_input->code == "duplicate_key");
  CHECK(dup_input->param == "input");
  std::string deep = R"({"model":"m","input":"x","other":)" + std::string(200, '[') + std::string(200, ']') + "}";
  auto too_deep = scan_embeddings_request(deep, info, 64);
  REQUIRE(too_deep);
  CHECK(too_deep->code == "json_too_deep");
}

TEST_CASE("embeddings scan: the client's fallback fields are flagged for the second scan") {
  EmbeddingsRequestInfo info;
  CHECK_FALSE(scan_embeddings_request(R"({"models":["a","b"],"input":"x"})", info));
  CHECK(info.routing_fields);
}
