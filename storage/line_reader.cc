#include "storage/line_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "storage/file_util.h"

namespace orauditd {
namespace {

constexpr size_t kBufferSize = 1 << 20;

}  // namespace

StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return PosixError("open", path, errno);
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::unique_ptr<LineReader> reader(new LineReader(fd, path));
  reader->buffer_.resize(kBufferSize);
  return reader;
}

LineReader::~LineReader() { close(fd_); }

StatusOr<bool> LineReader::Next(std::string_view* line) {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const void* newline = std::memchr(start, '\n', end_ - begin_);
    if (newline != nullptr) {
      size_t length = static_cast<size_t>(static_cast<const char*>(newline) - start);
      *line = std::string_view(start, length);
      begin_ += length + 1;
      ++line_number_;
      return true;
    }
    if (eof_) return false;
    Status s = Fill();
    if (!s.ok()) return s;
  }
}

Status LineReader::Fill() {
  // Move the unread part to the front; grow when one line fills the buffer.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);

  for (;;) {
    ssize_t n = read(fd_, buffer_.data() + end_, buffer_.size() - end_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError("read", path_, errno);
    if (n == 0) eof_ = true;
    end_ += static_cast<size_t>(n);
    return Status::Ok();
  }
}

}  // namespace orauditd
