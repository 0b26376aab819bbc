// UniqueFd: owns a file descriptor and closes it when it goes out of scope,
// so that every early return of a socket or file routine lets go of it.
#pragma once

#include <unistd.h>

namespace orauditd {

class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() {
    if (fd_ >= 0) close(fd_);
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace orauditd
