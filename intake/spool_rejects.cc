#include "intake/spool_rejects.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "common/json_writer.h"
#include "storage/file_util.h"

namespace orauditd {

SpoolRejects::SpoolRejects(std::string rejected_dir, std::string name)
    : dir_(std::move(rejected_dir)), name_(std::move(name)) {
  lines_.path = dir_ + "/." + name_ + ".tmp";
  errors_.path = dir_ + "/." + name_ + ".errors.tmp";
}

SpoolRejects::~SpoolRejects() { CloseOutputs(); }

void SpoolRejects::RemoveLeftovers() {
  unlink(lines_.path.c_str());
  unlink(errors_.path.c_str());
}

Status SpoolRejects::OpenOutputs() {
  for (Output* out : {&lines_, &errors_}) {
    if (out->fd >= 0) continue;
    out->fd = open(out->path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (out->fd < 0) return PosixError("open", out->path, errno);
    out->size = out->marked = 0;
  }
  return Status::Ok();
}

Status SpoolRejects::Append(Output* out, std::string_view data) {
  Status written = WriteAll(out->fd, data, out->path);
  if (written.ok()) out->size += data.size();
  return written;
}

Status SpoolRejects::Refused(const Line& line, const std::string& error, const LineReader& reader) {
  Status status = OpenOutputs();
  if (!status.ok()) return status;

  if (line.over_long) {
    status = reader.ReadRange(line.offset, line.length,
                              [&](std::string_view piece) { return Append(&lines_, piece); });
  } else {
    status = Append(&lines_, line.text);
  }
  if (status.ok()) status = Append(&lines_, "\n");
  if (!status.ok()) return status;

  std::string entry = "{\"line\":" + std::to_string(line.number) + ",\"error\":";
  AppendJsonString(&entry, error);
  entry += "}\n";
  return Append(&errors_, entry);
}

Status SpoolRejects::Mark() {
  lines_.marked = lines_.size;
  errors_.marked = errors_.size;
  return Status::Ok();
}

Status SpoolRejects::Rewind() {
  for (Output* out : {&lines_, &errors_}) {
    if (out->fd < 0 || out->size == out->marked) continue;
    if (ftruncate(out->fd, static_cast<off_t>(out->marked)) != 0 ||
        lseek(out->fd, static_cast<off_t>(out->marked), SEEK_SET) < 0) {
      return PosixError("ftruncate", out->path, errno);
    }
    out->size = out->marked;
  }
  return Status::Ok();
}

Status SpoolRejects::Commit() {
  if (lines_.fd < 0) return Status::Ok();
  for (Output* out : {&lines_, &errors_}) {
    if (fsync(out->fd) != 0) return PosixError("fsync", out->path, errno);
  }
  CloseOutputs();
  if (rename(lines_.path.c_str(), lines_path().c_str()) != 0) {
    return PosixError("rename", lines_.path, errno);
  }
  if (rename(errors_.path.c_str(), errors_path().c_str()) != 0) {
    return PosixError("rename", errors_.path, errno);
  }
  return SyncDir(dir_);
}

void SpoolRejects::CloseOutputs() {
  for (Output* out : {&lines_, &errors_}) {
    if (out->fd >= 0) close(out->fd);
    out->fd = -1;
  }
}

}  // namespace orauditd
