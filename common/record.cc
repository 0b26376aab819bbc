#include "common/record.h"

#include <string_view>

namespace orauditd {

const char* CallStatusName(CallStatus status) {
  switch (status) {
    case CallStatus::kSuccess: return "success";
    case CallStatus::kError: return "error";
    case CallStatus::kTimeout: return "timeout";
    case CallStatus::kCancelled: return "cancelled";
  }
  return "success";
}

bool ParseCallStatus(std::string_view text, CallStatus* out) {
  if (text == "success") *out = CallStatus::kSuccess;
  else if (text == "error") *out = CallStatus::kError;
  else if (text == "timeout") *out = CallStatus::kTimeout;
  else if (text == "cancelled") *out = CallStatus::kCancelled;
  else return false;
  return true;
}

}  // namespace orauditd
