#include <catch2/catch.hpp>

#include "store/database_url.hpp"
#include "store/store_error.hpp"

using llmgw::store::Dialect;
using llmgw::store::parse_database_url;
using llmgw::store::StoreError;

TEST_CASE("sqlite URLs name a file path or :memory:", "[store][url]") {
  auto abs = parse_database_url("sqlite:///var/lib/llmgw/llmgw.db");
  CHECK(abs.dialect == Dialect::sqlite);
  CHECK(abs.connector == "sqlite");
  CHECK(abs.connection_string == "/var/lib/llmgw/llmgw.db");
  CHECK(parse_database_url("sqlite://data/llmgw.db").connection_string == "data/llmgw.db");
  CHECK(parse_database_url("sqlite://:memory:").connection_string == ":memory:");
  CHECK_THROWS_AS(parse_database_url("sqlite://"), StoreError);
  CHECK_THROWS_AS(parse_database_url("sqlite:///x.db?mode=ro"), StoreError);
}

TEST_CASE("postgresql URLs become libpq keywords, password redacted", "[store][url]") {
  auto u = parse_database_url("postgresql://llm%40gw:p%27a%5Css@db.internal:6543/spend?sslmode=require");
  CHECK(u.dialect == Dialect::postgresql);
  CHECK(u.connector == "postgresql");
  CHECK(u.connection_string ==
        "host='db.internal' port=6543 user='llm@gw' password='p\\'a\\\\ss' dbname='spend' sslmode='require' "
        "connect_timeout=5 options='-cclient_min_messages=warning'");
  CHECK(u.redacted == "postgresql://llm%40gw:***@db.internal:6543/spend?sslmode=require");
  CHECK(u.redacted.find("p%27") == std::string::npos);

  auto short_scheme = parse_database_url("postgres://u@[::1]/db?connect_timeout=2");
  CHECK(short_scheme.connection_string ==
        "host='::1' user='u' dbname='db' connect_timeout='2' options='-cclient_min_messages=warning'");
  CHECK(short_scheme.redacted == "postgres://u@[::1]/db?connect_timeout=2");
}

TEST_CASE("bad database URLs are clear errors", "[store][url]") {
  CHECK_THROWS_WITH(parse_database_url("mysql://u:p@h/db"), Catch::Contains("unsupported scheme mysql"));
  CHECK_THROWS_WITH(parse_database_url("/tmp/x.db"), Catch::Contains("expected sqlite:///path"));
  CHECK_THROWS_WITH(parse_database_url("postgresql:///db"), Catch::Contains("needs a host"));
  CHECK_THROWS_WITH(parse_database_url("postgresql://h:99999/db"), Catch::Contains("port out of range"));
  CHECK_THROWS_WITH(parse_database_url("postgresql://h:x/db"), Catch::Contains("port is not a number"));
  CHECK_THROWS_WITH(parse_database_url("postgresql://u:%zz@h/db"), Catch::Contains("percent-encoding in the password"));
  CHECK_THROWS_WITH(parse_database_url("postgresql://h/db?password=x"), Catch::Contains("in the URL itself"));
  CHECK_THROWS_WITH(parse_database_url("postgresql://h/db?Bad=1"), Catch::Contains("libpq keywords"));
  CHECK_THROWS_WITH(parse_database_url("postgresql://u:a%20b@h/db"), Catch::Contains("password contains white space"));
  // The password never shows in an error.
  try {
    parse_database_url("postgresql://u:secret@h:0/db");
    FAIL("expected an error");
  } catch (const StoreError& e) {
    CHECK(std::string(e.what()).find("secret") == std::string::npos);
  }
}
