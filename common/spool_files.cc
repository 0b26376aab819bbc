#include "common/spool_files.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace orauditd {
namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() > suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

Status ListFolder(const std::string& dir, std::vector<SpoolFile>* files) {
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) {
    return Status::IoError("opendir(" + dir + "): " + std::strerror(errno));
  }
  std::vector<SpoolFile> found;
  while (dirent* entry = readdir(handle)) {
    if (!IsSpoolFileName(entry->d_name)) continue;
    std::string path = dir + (dir.back() == '/' ? "" : "/") + entry->d_name;
    struct stat st;
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    found.push_back({path, entry->d_name, static_cast<uint64_t>(st.st_size)});
  }
  closedir(handle);
  std::sort(found.begin(), found.end(),
            [](const SpoolFile& a, const SpoolFile& b) { return a.name < b.name; });
  files->insert(files->end(), found.begin(), found.end());
  return Status::Ok();
}

}  // namespace

bool IsSpoolFileName(std::string_view name) {
  if (name.empty() || IsTemporarySpoolName(name)) return false;
  return EndsWith(name, ".jsonl") || EndsWith(name, ".ndjson");
}

bool IsTemporarySpoolName(std::string_view name) {
  return (!name.empty() && name.front() == '.') || EndsWith(name, ".tmp");
}

std::string SpoolLineRef(std::string_view file_name, int64_t line_number) {
  std::string ref(file_name);
  ref.append(":").append(std::to_string(line_number));
  return ref;
}

std::string SpoolDedupKey(std::string_view file_name, int64_t line_number) {
  return "spool:" + SpoolLineRef(file_name, line_number);
}

StatusOr<std::vector<SpoolFile>> ListSpoolFiles(const std::vector<std::string>& paths) {
  std::vector<SpoolFile> files;
  for (const std::string& path : paths) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return Status::NotFound(path + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) {
      Status listed = ListFolder(path, &files);
      if (!listed.ok()) return listed;
    } else {
      files.push_back({path, BaseName(path), static_cast<uint64_t>(st.st_size)});
    }
  }
  return files;
}

}  // namespace orauditd
