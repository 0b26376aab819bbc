// What --check-config can tell about the folders a config names before the
// daemon runs: one that is missing (the daemon creates it, which hides a
// typo), one under something that is not a folder, one this user cannot
// write. The daemon may run as another user (orauditd under systemd), so
// these are notes for a person, not reasons to refuse the config.
#pragma once

#include <string>
#include <vector>

#include "daemon/config.h"

namespace orauditd {

// One line per finding, naming the config key and the path.
std::vector<std::string> ConfigPathNotes(const Config& config);

}  // namespace orauditd
