#include "daemon/key_store.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace orauditd {
namespace {

std::string Trim(std::string text) {
  size_t end = text.find_last_not_of(" \t\r\n");
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (end == std::string::npos) return "";
  return text.substr(begin, end - begin + 1);
}

}  // namespace

void KeyStore::Load(const std::map<std::string, KeySource>& sources,
                    std::vector<std::string>* problems) {
  std::map<std::string, std::string> loaded;
  for (const auto& [name, source] : sources) {
    if (!source.env.empty()) {
      const char* value = std::getenv(source.env.c_str());
      if (value == nullptr || Trim(value).empty()) {
        problems->push_back("key " + name + ": environment variable " + source.env +
                            " is not set");
        continue;
      }
      loaded[name] = Trim(value);
      continue;
    }

    std::string path = source.file;
    const char* credentials = std::getenv("CREDENTIALS_DIRECTORY");
    if (!path.empty() && path[0] != '/' && credentials != nullptr) {
      path = std::string(credentials) + "/" + path;
    }
    std::ifstream in(path);
    if (!in) {
      problems->push_back("key " + name + ": cannot read file " + path);
      continue;
    }
    std::stringstream text;
    text << in.rdbuf();
    std::string secret = Trim(text.str());
    if (secret.empty()) {
      problems->push_back("key " + name + ": file " + path + " is empty");
      continue;
    }
    loaded[name] = secret;
  }
  secrets_ = std::move(loaded);
}

const std::string* KeyStore::Secret(const std::string& name) const {
  auto it = secrets_.find(name);
  return it == secrets_.end() ? nullptr : &it->second;
}

}  // namespace orauditd
