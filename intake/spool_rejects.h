// SpoolRejects: where the refused lines of one spool file go. The raw lines
// are written to rejected/<file> and one {"line":N,"error":"..."} object per
// line to rejected/<file>.errors.
//
// Both are written under hidden names first (rejected/.<file>.tmp and
// rejected/.<file>.errors.tmp, truncated when a file is read again after a
// crash) and put in place by Commit(), synced, before the spool file
// leaves incoming/: a crash at any point leaves either no rejected/ entry
// or a complete one, never the refusals twice.
//
// Loop thread only; blocking file I/O.
#pragma once

#include <cstdint>
#include <string>

#include "intake/file_ingest.h"

namespace orauditd {

class SpoolRejects final : public RefusalSink {
 public:
  SpoolRejects(std::string rejected_dir, std::string name);
  ~SpoolRejects() override;
  SpoolRejects(const SpoolRejects&) = delete;
  SpoolRejects& operator=(const SpoolRejects&) = delete;

  // Removes hidden files left by a run that crashed while reading `name`.
  void RemoveLeftovers();

  Status Refused(const Line& line, const std::string& error, const LineReader& reader) override;
  Status Mark() override;
  Status Rewind() override;

  // Syncs the two files and renames them into place, replacing entries of
  // an earlier file of the same name; then syncs rejected/. A no-op when
  // nothing was refused.
  Status Commit();

  std::string lines_path() const { return dir_ + "/" + name_; }
  std::string errors_path() const { return dir_ + "/" + name_ + ".errors"; }

 private:
  struct Output {
    std::string path;
    int fd = -1;
    uint64_t size = 0;
    uint64_t marked = 0;
  };

  Status OpenOutputs();
  Status Append(Output* out, std::string_view data);
  void CloseOutputs();

  std::string dir_;
  std::string name_;
  Output lines_;
  Output errors_;
};

}  // namespace orauditd
