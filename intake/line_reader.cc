#include "intake/line_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "storage/file_util.h"

namespace orauditd {
namespace {

constexpr size_t kBlockBytes = 64 << 10;
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

}  // namespace

LineReader::LineReader(std::string path, int fd, size_t max_line_bytes)
    : path_(std::move(path)), fd_(fd), max_line_bytes_(max_line_bytes) {}

LineReader::~LineReader() { close(fd_); }

StatusOr<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path,
                                                       size_t max_line_bytes) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return PosixError("open", path, errno);
  return std::unique_ptr<LineReader>(new LineReader(path, fd, max_line_bytes));
}

StatusOr<bool> LineReader::Fill() {
  size_t old_size = buffer_.size();
  buffer_.resize(old_size + kBlockBytes);
  ssize_t n;
  do {
    n = pread(fd_, buffer_.data() + old_size, kBlockBytes,
              static_cast<off_t>(buffer_offset_ + old_size));
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    buffer_.resize(old_size);
    return PosixError("read", path_, errno);
  }
  buffer_.resize(old_size + static_cast<size_t>(n));
  return n > 0;
}

void LineReader::Compact() {
  if (cursor_ == 0) return;
  buffer_.erase(0, cursor_);
  buffer_offset_ += cursor_;
  cursor_ = 0;
}

StatusOr<bool> LineReader::Next(Line* line) {
  while (true) {
    size_t newline = buffer_.find('\n', cursor_ + scanned_);
    size_t end = newline;
    if (newline == std::string::npos) {
      scanned_ = buffer_.size() - cursor_;
      // One byte of slack: the '\r' of a "\r\n" is not part of the line.
      if (scanned_ > max_line_bytes_ + 1 + kByteOrderMark.size()) return SkipOverLong(line);
      if (eof_) {
        if (scanned_ == 0) return false;
        end = buffer_.size();
      } else {
        Compact();
        auto more = Fill();
        if (!more.ok()) return more.status();
        eof_ = !*more;
        continue;
      }
    }

    std::string_view text(buffer_.data() + cursor_, end - cursor_);
    line->offset = buffer_offset_ + cursor_;
    cursor_ = newline == std::string::npos ? end : end + 1;
    scanned_ = 0;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (line->offset == 0 && text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
      text.remove_prefix(kByteOrderMark.size());
      line->offset = kByteOrderMark.size();
    }
    line->number = next_line_++;
    line->length = text.size();
    line->over_long = text.size() > max_line_bytes_;
    line->text = line->over_long ? std::string_view() : text;
    return true;
  }
}

StatusOr<bool> LineReader::SkipOverLong(Line* line) {
  line->number = next_line_++;
  line->offset = buffer_offset_ + cursor_;
  line->over_long = true;
  line->text = {};
  uint64_t skip_front = 0;
  if (line->offset == 0 &&
      std::string_view(buffer_).substr(0, kByteOrderMark.size()) == kByteOrderMark) {
    skip_front = kByteOrderMark.size();
  }

  // Drop what is buffered and read on to the line's end, a block at a time.
  uint64_t length = buffer_.size() - cursor_;
  bool last_cr = buffer_.back() == '\r';
  while (true) {
    buffer_offset_ += buffer_.size();
    buffer_.clear();
    cursor_ = 0;
    scanned_ = 0;
    auto more = Fill();
    if (!more.ok()) return more.status();
    if (!*more) {
      eof_ = true;
      break;
    }
    size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      if (newline > 0) last_cr = buffer_[newline - 1] == '\r';
      length += newline;
      cursor_ = newline + 1;
      break;
    }
    length += buffer_.size();
    last_cr = buffer_.back() == '\r';
  }
  if (last_cr) --length;
  line->offset += skip_front;
  line->length = length - skip_front;
  return true;
}

Status LineReader::Seek(Position position) {
  buffer_.clear();
  buffer_offset_ = position.offset;
  cursor_ = 0;
  scanned_ = 0;
  next_line_ = position.next_line;
  eof_ = false;
  return Status::Ok();
}

Status LineReader::ReadRange(uint64_t offset, uint64_t length,
                             const std::function<Status(std::string_view)>& piece) const {
  std::string block(kBlockBytes, '\0');
  while (length > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(length, kBlockBytes));
    ssize_t n = pread(fd_, block.data(), want, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return PosixError("read", path_, errno);
    if (n == 0) return Status::IoError("read(" + path_ + "): the file shrank while being read");
    Status status = piece(std::string_view(block.data(), static_cast<size_t>(n)));
    if (!status.ok()) return status;
    offset += static_cast<uint64_t>(n);
    length -= static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

}  // namespace orauditd
