// Makes a file unwritable for this process and back: chmod 0444 for an ordinary user; as root
// (which ignores permissions) the immutable attribute (FS_IOC_SETFLAGS), which binds root too.
#pragma once

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace llmgw::test {

class ReadOnlyFile {
 public:
  explicit ReadOnlyFile(std::filesystem::path path) : path_(std::move(path)) {}
  ~ReadOnlyFile() { make_writable(); }
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

  /// False (with `why`) when this process cannot make the file read-only.
  bool make_read_only(std::string& why) {
    if (::geteuid() != 0) {
      if (::chmod(path_.c_str(), 0444) != 0) return (why = "chmod failed", false);
      read_only_ = true;
      return true;
    }
    if (!set_immutable(true)) return (why = "running as root and FS_IOC_SETFLAGS(immutable) is refused here", false);
    read_only_ = true;
    return true;
  }

  void make_writable() {
    if (!read_only_) return;
    if (::geteuid() != 0) ::chmod(path_.c_str(), 0644);
    else set_immutable(false);
    read_only_ = false;
  }

 private:
  bool set_immutable(bool on) {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    int flags = 0;
    bool ok = ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (ok) {
      flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      ok = ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    }
    ::close(fd);
    return ok;
  }

  std::filesystem::path path_;
  bool read_only_ = false;
};

}  // namespace llmgw::test
