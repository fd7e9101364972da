#include "store/ledger_spool.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "store/ledger_row_json.hpp"
#include "store/store_error.hpp"

namespace llmgw::store {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path) {
  throw StoreError("ledger spool " + path + ": " + what + ": " + std::strerror(errno));
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

void write_all(int fd, const char* p, std::size_t n, const std::string& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("write", path);
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

LedgerSpool::LedgerSpool(std::string path, std::uint64_t max_bytes) : path_(std::move(path)), max_bytes_(max_bytes) {}

std::uint64_t LedgerSpool::size() const {
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

std::uint64_t LedgerSpool::count_rows() const {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return 0;
  in.seekg(static_cast<std::streamoff>(offset_));
  std::uint64_t rows = 0;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) ++rows;
  return rows;
}

std::size_t LedgerSpool::append(const std::vector<LedgerRow>& rows) {
  if (rows.empty()) return 0;
  Fd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (fd.get() < 0) fail("open", path_);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) fail("stat", path_);
  std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  std::string buf;
  // A torn last line (a crash mid-write) must not swallow the next row: start on a new line.
  if (size > 0) {
    char last = '\n';
    Fd rd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
    if (rd.get() >= 0 && ::pread(rd.get(), &last, 1, static_cast<off_t>(size - 1)) == 1 && last != '\n') buf += '\n';
  }
  std::size_t taken = 0;
  for (const LedgerRow& row : rows) {
    const std::size_t before = buf.size();
    append_json_line(row, buf);
    if (size + buf.size() > max_bytes_) {
      buf.resize(before);
      break;
    }
    ++taken;
  }
  if (buf.empty()) return 0;
  write_all(fd.get(), buf.data(), buf.size(), path_);
  if (::fdatasync(fd.get()) != 0) fail("fdatasync", path_);
  return taken;
}

LedgerSpool::Progress LedgerSpool::replay_some(const std::function<void(const std::vector<LedgerRow>&)>& write,
                                               std::size_t chunk, std::size_t max_rows) {
  if (chunk == 0) chunk = 1;
  Progress progress;
  std::ifstream in(path_, std::ios::binary);
  if (!in) {  // nothing spooled
    offset_ = 0;
    progress.done = true;
    return progress;
  }
  in.seekg(static_cast<std::streamoff>(offset_));
  std::vector<LedgerRow> rows;
  rows.reserve(chunk);
  std::uint64_t pos = offset_, skipped = 0;
  // The offset moves only past rows the database took (and lines skipped before them), so a
  // failed write leaves it where it was and the next call reads those rows again.
  auto commit = [&] {
    if (!rows.empty()) {
      write(rows);
      progress.handed += rows.size();
      rows.clear();
    }
    offset_ = pos;
    corrupt_lines_ += skipped;
    skipped = 0;
  };
  bool at_end = false;
  std::string line;
  for (;;) {
    if (progress.handed + rows.size() >= max_rows) break;
    if (!std::getline(in, line)) {
      at_end = true;
      break;
    }
    pos += line.size() + (in.eof() ? 0 : 1);
    if (!line.empty()) {
      if (auto row = parse_json_line(line)) rows.push_back(std::move(*row));
      else ++skipped;
    }
    if (rows.size() == chunk) commit();
  }
  if (in.bad()) fail("read", path_);
  commit();
  in.close();
  if (!at_end && offset_ < size()) return progress;
  // Everything is in the database: empty the file (and make that durable).
  Fd fd(::open(path_.c_str(), O_WRONLY | O_CLOEXEC));
  if (fd.get() < 0) fail("open", path_);
  if (::ftruncate(fd.get(), 0) != 0) fail("truncate", path_);
  if (::fsync(fd.get()) != 0) fail("fsync", path_);
  offset_ = 0;
  progress.done = true;
  return progress;
}

std::size_t LedgerSpool::replay(const std::function<void(const std::vector<LedgerRow>&)>& write, std::size_t chunk) {
  return replay_some(write, chunk, static_cast<std::size_t>(-1)).handed;
}

}  // namespace llmgw::store
