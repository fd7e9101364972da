// RouteTable::errors_for: the server's own errors take the format of the route whose path is the
// longest prefix of the request's, on a segment boundary; everything else the default.
#include <catch2/catch.hpp>

#include "server/route_table.hpp"

using llmgw::canonical::ApiError;
using llmgw::server::ErrorFormat;
using llmgw::server::RouteTable;

namespace {

int status_a(const ApiError&) { return 1; }
int status_b(const ApiError&) { return 2; }
int status_default(const ApiError&) { return 3; }
std::string body(const ApiError&) { return {}; }

const ErrorFormat kA{&status_a, &body};
const ErrorFormat kB{&status_b, &body};
const ErrorFormat kDefault{&status_default, &body};

int which(const RouteTable& t, std::string_view target) { return t.errors_for(target).status(ApiError{}); }

}  // namespace

TEST_CASE("route table: error format by the longest route prefix") {
  RouteTable t(kDefault);
  t.add("POST", "/v1/messages", nullptr, &kA);
  t.add("POST", "/v1/messages/count_tokens", nullptr, &kB);
  t.add("POST", "/v1/chat/completions", nullptr, nullptr);  // the default
  CHECK(which(t, "/v1/messages") == 1);
  CHECK(which(t, "/v1/messages?beta=true") == 1);
  CHECK(which(t, "/v1/messages/batches") == 1);
  CHECK(which(t, "/messages") == 1);  // the /v1-less twin
  CHECK(which(t, "/v1/messages/count_tokens") == 2);
  CHECK(which(t, "/v1/messagesx") == 3);  // not a segment boundary
  CHECK(which(t, "/v1/chat/completions") == 3);
  CHECK(which(t, "/nothing") == 3);
  CHECK(which(t, "") == 3);
}
