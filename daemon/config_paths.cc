#include "daemon/config_paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace orauditd {
namespace {

std::string ParentOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// `folder` is where the daemon will write under `key`.
void CheckFolder(const std::string& key, const std::string& folder,
                 std::vector<std::string>* notes) {
  std::string existing = folder;
  struct stat st;
  while (stat(existing.c_str(), &st) != 0) {
    bool missing = errno == ENOENT || errno == ENOTDIR;  // ENOTDIR: a file on the way
    if (!missing || existing == "/" || existing == ".") {
      notes->push_back(key + ": cannot look at " + existing + ": " + std::strerror(errno));
      return;
    }
    existing = ParentOf(existing);
  }
  if (!S_ISDIR(st.st_mode)) {
    notes->push_back(key + ": " + existing + " is not a folder");
    return;
  }
  if (existing != folder) {
    notes->push_back(key + ": " + folder + " does not exist yet; the daemon will create it");
  }
  if (access(existing.c_str(), W_OK) != 0) {
    notes->push_back(key + ": " + existing + " is not writable by this user (uid " +
                     std::to_string(geteuid()) + "); the daemon's user must be able to write it");
  }
}

}  // namespace

std::vector<std::string> ConfigPathNotes(const Config& config) {
  std::vector<std::string> notes;
  CheckFolder("data_dir", config.data_dir, &notes);
  CheckFolder("intake.socket.path", ParentOf(config.socket_path), &notes);
  if (!config.spool_dir.empty()) CheckFolder("intake.spool.dir", config.spool_dir, &notes);
  if (!config.sqlite_path.empty()) {
    CheckFolder("sinks.sqlite.path", ParentOf(config.sqlite_path), &notes);
  }
  if (!config.jsonl_path.empty()) {
    CheckFolder("sinks.jsonl.path", ParentOf(config.jsonl_path), &notes);
  }
  return notes;
}

}  // namespace orauditd
