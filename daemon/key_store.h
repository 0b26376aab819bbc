// KeyStore: the secrets of the configured OpenRouter API keys, by name.
// Secrets come from an environment variable or a file (relative file names
// are looked up in $CREDENTIALS_DIRECTORY, as systemd's LoadCredential=
// provides them). They are handed only to the code that builds the
// Authorization header; nothing here logs or prints them.
//
// Loop thread only.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"

namespace orauditd {

class KeyStore {
 public:
  // Reads every key. Missing ones are reported by name in `problems` and
  // left out; lookups with them park as auth failures until a reload.
  void Load(const std::map<std::string, KeySource>& sources, std::vector<std::string>* problems);

  // nullptr when the key is unknown or could not be read.
  const std::string* Secret(const std::string& name) const;

  size_t size() const { return secrets_.size(); }

 private:
  std::map<std::string, std::string> secrets_;
};

}  // namespace orauditd
