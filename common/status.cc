#include "common/status.h"

namespace orauditd {

const char* StatusCodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kInvalidArgument: return "InvalidArgument";
    case Status::Code::kNotFound: return "NotFound";
    case Status::Code::kAlreadyExists: return "AlreadyExists";
    case Status::Code::kIoError: return "IOError";
    case Status::Code::kCorruption: return "Corruption";
    case Status::Code::kUnavailable: return "Unavailable";
    case Status::Code::kResourceExhausted: return "ResourceExhausted";
    case Status::Code::kFailedPrecondition: return "FailedPrecondition";
    case Status::Code::kInternal: return "Internal";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code_, std::string(context) + ": " + message_);
}

}  // namespace orauditd
