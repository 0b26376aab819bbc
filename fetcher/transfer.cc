#include "fetcher/transfer.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "fetcher/curl_error.h"

namespace orauditd {
namespace {

std::string_view Trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

bool IsHttps(std::string_view url) {
  return url.size() >= 8 && Lower(url.substr(0, 8)) == "https://";
}

struct StepResult {
  const char* option;
  CURLcode rc;
};

// Each option is checked: a refused one would silently weaken the request
// (no timeout, no TLS check), which is worse than failing it.
template <size_t N>
Status FirstRefused(const StepResult (&steps)[N]) {
  for (const StepResult& step : steps) {
    if (step.rc != CURLE_OK) {
      return Status::Internal(std::string("curl_easy_setopt(") + step.option +
                              "): " + CurlCodeName(step.rc) + ": " + curl_easy_strerror(step.rc));
    }
  }
  return Status::Ok();
}

}  // namespace

Transfer::Transfer(HttpRequest request, HttpClient::Callback done)
    : request_(std::move(request)), done_(std::move(done)) {}

Transfer::~Transfer() { curl_slist_free_all(header_list_); }

Status ConfigureEasy(CURL* easy, const TransferSettings& settings) {
  const StepResult steps[] = {
      {"CURLOPT_PROTOCOLS_STR", curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https")},
      {"CURLOPT_HTTPGET", curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L)},
      {"CURLOPT_USERAGENT", curl_easy_setopt(easy, CURLOPT_USERAGENT, settings.user_agent.c_str())},
      {"CURLOPT_NOSIGNAL", curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L)},
      {"CURLOPT_WRITEFUNCTION", curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::OnBody)},
      {"CURLOPT_HEADERFUNCTION",
       curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader)},
      {"CURLOPT_SUPPRESS_CONNECT_HEADERS",
       curl_easy_setopt(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L)},
      {"CURLOPT_ACCEPT_ENCODING", curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "")},
      {"CURLOPT_TCP_KEEPALIVE", curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L)},
      {"CURLOPT_SSL_VERIFYPEER", curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L)},
      {"CURLOPT_SSL_VERIFYHOST", curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L)},
      {"CURLOPT_CAINFO", settings.ca_file.empty()
                             ? CURLE_OK
                             : curl_easy_setopt(easy, CURLOPT_CAINFO, settings.ca_file.c_str())},
      {"CURLOPT_CAPATH", settings.ca_dir.empty()
                             ? CURLE_OK
                             : curl_easy_setopt(easy, CURLOPT_CAPATH, settings.ca_dir.c_str())},
      {"CURLOPT_HTTP_VERSION",
       curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS))},
  };
  return FirstRefused(steps);
}

Status Transfer::Attach(CURL* easy) {
  easy_ = easy;
  error_buffer_[0] = '\0';
  for (const std::string& header : request_.headers) {
    curl_slist* grown = curl_slist_append(header_list_, header.c_str());
    if (grown == nullptr) return Status::ResourceExhausted("curl_slist_append: out of memory");
    header_list_ = grown;
  }
  const bool https = IsHttps(request_.url);
  const curl_off_t max_body = static_cast<curl_off_t>(request_.max_body_bytes);
  // curl reads 0 as "no limit"; a transfer must never be allowed to hang.
  const int64_t timeout_ms = std::max<int64_t>(1, request_.timeout_ms);
  const StepResult steps[] = {
      {"CURLOPT_PRIVATE", curl_easy_setopt(easy_, CURLOPT_PRIVATE, this)},
      {"CURLOPT_URL", curl_easy_setopt(easy_, CURLOPT_URL, request_.url.c_str())},
      {"CURLOPT_HTTPHEADER", curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, header_list_)},
      {"CURLOPT_TIMEOUT_MS",
       curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms))},
      {"CURLOPT_MAXFILESIZE_LARGE", curl_easy_setopt(easy_, CURLOPT_MAXFILESIZE_LARGE, max_body)},
      {"CURLOPT_WRITEDATA", curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this)},
      {"CURLOPT_HEADERDATA", curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this)},
      {"CURLOPT_ERRORBUFFER", curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_buffer_)},
      // Over TLS, wait for the first connection's ALPN answer rather than open
      // one connection per transfer: with HTTP/2 they all share it. Plain HTTP
      // is never multiplexed here, so waiting would only serialize the start.
      {"CURLOPT_PIPEWAIT", curl_easy_setopt(easy_, CURLOPT_PIPEWAIT, https ? 1L : 0L)},
  };
  return FirstRefused(steps);
}

CURL* Transfer::Detach() {
  // The handle outlives this transfer (the client keeps it for the next
  // one): nothing in it may point into this object any more.
  if (easy_ != nullptr) {
    curl_easy_setopt(easy_, CURLOPT_PRIVATE, static_cast<void*>(nullptr));
    curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, static_cast<curl_slist*>(nullptr));
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, static_cast<void*>(nullptr));
    curl_easy_setopt(easy_, CURLOPT_HEADERDATA, static_cast<void*>(nullptr));
    curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, static_cast<char*>(nullptr));
  }
  return std::exchange(easy_, nullptr);
}

size_t Transfer::OnBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  HttpResponse& response = transfer->response_;
  if (response.body.size() + bytes > transfer->request_.max_body_bytes) {
    // Returning short makes curl stop the transfer with CURLE_WRITE_ERROR;
    // the flag tells that error apart from a real write failure.
    response.body_too_large = true;
    std::string().swap(response.body);
    return 0;
  }
  response.body.append(data, bytes);
  return bytes;
}

size_t Transfer::OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const size_t bytes = size * count;
  std::string_view line(data, bytes);
  auto& headers = transfer->response_.headers;

  // A status line starts a new header block (after a 1xx, or a redirect we
  // do not follow); only the last block describes the response we keep.
  if (line.substr(0, 5) == "HTTP/") {
    headers.clear();
    return bytes;
  }
  if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
    std::string_view folded = Trim(line);
    if (!headers.empty() && !folded.empty()) headers.back().second.append(" ").append(folded);
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  headers.emplace_back(Lower(Trim(line.substr(0, colon))),
                       std::string(Trim(line.substr(colon + 1))));
  return bytes;
}

void Transfer::Finish(CURLcode result) {
  long status = 0;
  if (curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK) {
    response_.status = status;
  }
  double seconds = 0;
  if (curl_easy_getinfo(easy_, CURLINFO_TOTAL_TIME, &seconds) == CURLE_OK) {
    response_.total_seconds = seconds;
  }
  if (result == CURLE_OK) {
    response_.transport_ok = true;
    return;
  }

  response_.transport_ok = false;
  response_.timed_out = result == CURLE_OPERATION_TIMEDOUT;
  if (result == CURLE_FILESIZE_EXCEEDED) response_.body_too_large = true;
  if (response_.body_too_large) {
    std::string().swap(response_.body);
    response_.error =
        TransferError(request_.url, result,
                      "response body over " + std::to_string(request_.max_body_bytes) + " bytes");
    return;
  }
  response_.error = TransferError(request_.url, result, error_buffer_);
}

void Transfer::Fail(std::string error) {
  response_.transport_ok = false;
  response_.error = std::move(error);
}

void Transfer::Notify() {
  HttpClient::Callback done = std::move(done_);
  done_ = nullptr;
  if (done) done(std::move(response_));
}

}  // namespace orauditd
