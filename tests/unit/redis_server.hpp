// A real redis-server for tests: started on a free loopback port chosen at run time, without
// persistence, killed at the end. kill()/restart() and pause()/resume() simulate outages.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace llmgw::test {

/// Whether redis-server is on the PATH.
bool redis_server_available();

class RedisServer {
 public:
  /// Starts redis-server (extra arguments appended) and waits until it answers. Throws on failure.
  explicit RedisServer(std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  /// SIGKILL and wait: the port refuses connections afterwards.
  void kill();
  /// Starts again on the same port (empty: no persistence).
  void restart();
  /// SIGSTOP / SIGCONT: a hung server (connections are accepted, nothing is answered).
  void pause();
  void resume();

 private:
  void spawn();
  int port_ = 0;
  pid_t pid_ = -1;
  bool paused_ = false;
  std::vector<std::string> extra_args_;
};

}  // namespace llmgw::test
