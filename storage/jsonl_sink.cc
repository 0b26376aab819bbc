#include "storage/jsonl_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "storage/file_util.h"
#include "storage/jsonl_files.h"
#include "storage/row_json.h"
#include "storage/seq_check.h"

namespace orauditd {
namespace {

const std::string kName = "jsonl";

}  // namespace

StatusOr<std::unique_ptr<JsonlSink>> JsonlSink::Open(const std::string& path,
                                                     int64_t rotate_bytes) {
  if (rotate_bytes < 0) {
    return Status::InvalidArgument("jsonl open " + path + ": rotate_bytes must not be negative");
  }
  Status s = MakeParentDirs(path);
  if (!s.ok()) return s.WithContext("jsonl open " + path);

  std::unique_ptr<JsonlSink> sink(new JsonlSink(path, rotate_bytes));
  s = sink->OpenCurrent();
  if (s.ok()) s = sink->RepairTail();
  if (s.ok()) s = sink->LoadSeqs();
  if (!s.ok()) return s.WithContext("jsonl open " + path);
  return sink;
}

JsonlSink::~JsonlSink() {
  if (fd_ >= 0) close(fd_);
}

const std::string& JsonlSink::name() const { return kName; }

StatusOr<int64_t> JsonlSink::LastSeq() { return last_seq_; }

Status JsonlSink::OpenCurrent() {
  // O_EXCL first, to learn whether the folder entry is new and must be
  // made durable.
  bool created = true;
  fd_ = open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd_ < 0 && errno == EEXIST) {
    created = false;
    fd_ = open(path_.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
  }
  if (fd_ < 0) return PosixError("open", path_, errno);

  struct stat st;
  if (fstat(fd_, &st) != 0) return PosixError("fstat", path_, errno);
  size_ = st.st_size;
  return created ? SyncDir(DirName(path_)) : Status::Ok();
}

Status JsonlSink::RepairTail() {
  if (size_ == 0) return Status::Ok();
  std::string last_byte;
  Status s = ReadAt(fd_, size_ - 1, 1, &last_byte, path_);
  if (!s.ok() || last_byte == "\n") return s;

  // The row on the partial line was never acknowledged (its batch had not
  // been synced), so the writer will hand it again.
  StatusOr<int64_t> keep = EndOfLastCompleteLine(fd_, size_, path_);
  if (!keep.ok()) return keep.status();
  if (ftruncate(fd_, *keep) != 0) return PosixError("ftruncate", path_, errno);
  if (fdatasync(fd_) != 0) return PosixError("fdatasync", path_, errno);
  recovery_note_ = "truncated a partial last line of " + std::to_string(size_ - *keep) +
                   " bytes from " + path_ + " (a write cut short by a crash)";
  size_ = *keep;
  return Status::Ok();
}

Status JsonlSink::LoadSeqs() {
  if (size_ > 0) {
    StatusOr<std::string> first = ReadFirstLine(fd_, path_);
    if (!first.ok()) return first.status();
    StatusOr<int64_t> first_seq = SeqOfLine(*first, path_ + " first line");
    if (!first_seq.ok()) return first_seq.status();
    StatusOr<std::string> last = ReadLastLine(fd_, size_, path_);
    if (!last.ok()) return last.status();
    StatusOr<int64_t> last_seq = SeqOfLine(*last, path_ + " last line");
    if (!last_seq.ok()) return last_seq.status();
    first_seq_in_file_ = *first_seq;
    last_seq_ = *last_seq;
    return Status::Ok();
  }

  // An empty current file: the rows so far are in the newest rotated one.
  auto rotated = ListRotatedJsonl(path_);
  if (!rotated.ok()) return rotated.status();
  if (rotated->empty()) return Status::Ok();
  const std::string& newest = rotated->back().second;
  int fd = open(newest.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return PosixError("open", newest, errno);
  struct stat st;
  StatusOr<std::string> last = fstat(fd, &st) == 0
                                   ? ReadLastLine(fd, st.st_size, newest)
                                   : StatusOr<std::string>(PosixError("fstat", newest, errno));
  close(fd);
  if (!last.ok()) return last.status();
  if (last->empty()) return Status::Ok();
  StatusOr<int64_t> last_seq = SeqOfLine(*last, newest + " last line");
  if (!last_seq.ok()) return last_seq.status();
  last_seq_ = *last_seq;
  return Status::Ok();
}

Status JsonlSink::Write(const std::vector<Row>& rows) {
  if (!failed_.ok()) return failed_;
  const std::string context = "jsonl write to " + path_;
  size_t first = FirstNewRow(rows, last_seq_);
  Status s = CheckContiguous(rows, first, last_seq_, context);
  if (!s.ok()) return s;

  std::string pending;
  int64_t pending_last = 0;
  for (size_t i = first; i < rows.size(); ++i) {
    std::string line = RowToJsonLine(rows[i]);
    line.push_back('\n');
    int64_t used = size_ + static_cast<int64_t>(pending.size());
    if (rotate_bytes_ > 0 && used > 0 && used + static_cast<int64_t>(line.size()) > rotate_bytes_) {
      s = Append(pending, pending_last);
      if (s.ok()) s = Rotate();
      if (!s.ok()) return s.WithContext(context);
      pending.clear();
    }
    if (size_ == 0 && pending.empty()) first_seq_in_file_ = rows[i].seq;
    pending += line;
    pending_last = rows[i].seq;
  }
  s = Append(pending, pending_last);
  return s.ok() ? s : s.WithContext(context);
}

Status JsonlSink::Append(const std::string& data, int64_t last_seq_in_data) {
  if (data.empty()) return Status::Ok();
  Status s = WriteAll(fd_, data, path_);
  if (s.ok()) {
    if (fdatasync(fd_) == 0) {
      size_ += static_cast<int64_t>(data.size());
      last_seq_ = last_seq_in_data;
      return Status::Ok();
    }
    // After a failed fsync the kernel may have dropped the dirty pages: what
    // is on disk is unknown, and retrying the fsync could report success.
    failed_ = PosixError("fdatasync", path_, errno);
    return failed_;
  }

  // A short write (ENOSPC, EIO): cut the file back to its last durable line
  // so that the next batch does not follow a partial one.
  if (ftruncate(fd_, size_) != 0 || fdatasync(fd_) != 0) {
    Status rollback = PosixError("rollback by ftruncate", path_, errno);
    failed_ = Status(s.code(), s.message() + "; " + rollback.message());
    return failed_;
  }
  return s;
}

Status JsonlSink::Rotate() {
  std::string target = RotatedJsonlName(path_, first_seq_in_file_);
  // A rotated file is never overwritten: it may already have been shipped
  // or verified.
  if (access(target.c_str(), F_OK) == 0) {
    failed_ = Status::AlreadyExists("rotate " + path_ + ": " + target + " already exists");
    return failed_;
  }
  if (rename(path_.c_str(), target.c_str()) != 0) {
    return PosixError("rename", path_ + " to " + target, errno);
  }

  close(fd_);
  fd_ = open(path_.c_str(), O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  Status s = fd_ < 0 ? PosixError("open", path_, errno) : SyncDir(DirName(path_));
  if (!s.ok()) {
    failed_ = s;
    return s;
  }
  size_ = 0;
  first_seq_in_file_ = 0;
  return Status::Ok();
}

}  // namespace orauditd
