#include "tests/fake_openrouter/error_bodies.h"

#include <cstdio>

#include "common/json_writer.h"
#include "common/time_format.h"
#include "tests/fake_openrouter/fake_response.h"

namespace orauditd::fake {

std::string ErrorBody(int code, std::string_view message) {
  return ErrorEnvelope(std::to_string(code), message, std::nullopt);
}

std::string ErrorEnvelope(std::string_view code_json, std::string_view message,
                          std::optional<std::string_view> metadata_json,
                          std::optional<std::string_view> user_id) {
  std::string out = "{\"error\":{\"code\":";
  out.append(code_json);
  out.append(",\"message\":");
  AppendJsonString(&out, message);
  if (metadata_json) out.append(",\"metadata\":").append(*metadata_json);
  out.push_back('}');
  if (user_id) {
    out.append(",\"user_id\":");
    AppendJsonString(&out, *user_id);
  }
  out.push_back('}');
  return out;
}

std::string HtmlNotFoundPage() {
  return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/>"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
         "<title>404: This page could not be found | OpenRouter</title></head>"
         "<body><div style=\"font-family:system-ui;height:100vh;text-align:center\">"
         "<h1>404</h1><h2>This page could not be found.</h2></div></body></html>\n";
}

std::string CloudflareErrorPage(int status, std::string_view ray_id) {
  std::string code = std::to_string(status);
  std::string reason = ReasonPhrase(status);
  std::string out =
      "<!DOCTYPE html>\n<!--[if lt IE 7]> <html class=\"no-js ie6 oldie\" lang=\"en-US\"> "
      "<![endif]-->\n<html class=\"no-js\" lang=\"en-US\"><head>\n<title>openrouter.ai | ";
  out += code + ": " + reason + "</title>\n<meta charset=\"UTF-8\" />\n";
  out += "<meta name=\"robots\" content=\"noindex, nofollow\" />\n</head>\n<body>\n";
  out += "<div id=\"cf-wrapper\"><div id=\"cf-error-details\" class=\"p-0\">\n";
  out += "<h1><span class=\"inline-block\">" + reason + "</span>\n";
  out += "<span class=\"code-label\">Error code " + code + "</span></h1>\n";
  out += "<div class=\"cf-error-footer\">Cloudflare Ray ID: <strong>" + std::string(ray_id) +
         "</strong> &bull; Performance &amp; security by Cloudflare</div>\n";
  out += "</div></div>\n</body>\n</html>\n";
  return out;
}

std::string HttpDate(int64_t unix_seconds) {
  static const char* const kDays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t days = unix_seconds / 86400;
  int64_t rem = unix_seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  int64_t year = 0;
  unsigned month = 0;
  unsigned day = 0;
  CivilFromDays(days, &year, &month, &day);
  char text[40];
  std::snprintf(text, sizeof text, "%s, %02u %s %04lld %02lld:%02lld:%02lld GMT",
                kDays[((days % 7) + 7) % 7], day, kMonths[month - 1], static_cast<long long>(year),
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return text;
}

}  // namespace orauditd::fake
