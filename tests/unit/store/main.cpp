// unit_store runs its [db] tests on SQLite, or, with LLMGW_TEST_POSTGRES_URL_FILE set (the CTest
// fixture of scripts/start-postgres.sh writes that file), on that PostgreSQL server. Exit code
// 77 (skipped) when the variable is set but the server could not be started.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>

#include "test_database.hpp"

int main(int argc, char* argv[]) {
  if (llmgw::test::postgres_requested() && llmgw::test::postgres_url().empty()) {
    std::fprintf(stderr, "unit_store: no PostgreSQL URL in $LLMGW_TEST_POSTGRES_URL_FILE (start-postgres.sh failed?); skipped\n");
    return 77;
  }
  return Catch::Session().run(argc, argv);
}
