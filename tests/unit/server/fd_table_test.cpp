// server/fd_table: the descriptor limit raised and the kernel table grown once, before the loops run.
#include "server/fd_table.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

using llmgw::server::fd_table_size;
using llmgw::server::prepare_fd_table;

TEST_CASE("prepare_fd_table grows the kernel's descriptor table at once, within the limit") {
  rlimit r{};
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &r) == 0);
  const int before = fd_table_size();
  REQUIRE(before > 0);  // the kernel reports FDSize
  const int want = 6000;
  const int after = prepare_fd_table(want);
  REQUIRE(::getrlimit(RLIMIT_NOFILE, &r) == 0);
  CHECK(r.rlim_cur == r.rlim_max);  // the soft limit was raised to the hard one
  if (r.rlim_cur != RLIM_INFINITY && r.rlim_cur < static_cast<rlim_t>(want)) {
    CHECK(after >= before);  // capped by the limit: grown as far as allowed
    return;
  }
  CHECK(after >= want);
  CHECK(after == fd_table_size());
  // Nothing was left open at the top of the table.
  CHECK(::fcntl(want - 1, F_GETFD) == -1);
  // Growing again to less is a no-op.
  CHECK(prepare_fd_table(100) == after);
}
