// The one place where curl's and libuv's error codes become text. Every
// message keeps the symbolic code name (CURLE_OPERATION_TIMEDOUT, ECONNRESET)
// so that a log line can be searched for it. Pure functions, any thread.
#pragma once

#include <curl/curl.h>

#include <string>
#include <string_view>

namespace orauditd {

// "CURLE_COULDNT_CONNECT"; "CURLE_UNKNOWN" for a code this curl does not name.
const char* CurlCodeName(CURLcode code);

// "CURLM_BAD_SOCKET"; "CURLM_UNKNOWN" for a code this curl does not name.
const char* CurlMultiCodeName(CURLMcode code);

// The URL as it may appear in an error text or a log: scheme, host, port and
// path only. User info and the query are dropped, because a base_url may carry
// credentials and a query is nobody's business in a log.
std::string UrlForLog(std::string_view url);

// "GET http://127.0.0.1:1234/api/v1/generation: CURLE_COULDNT_CONNECT: <why>".
std::string TransferError(std::string_view url, CURLcode code, std::string_view why);

// "curl_multi_add_handle: CURLM_OUT_OF_MEMORY: Out of memory".
std::string MultiError(std::string_view operation, CURLMcode code);

// "uv_poll_start(fd 7): EBADF: bad file descriptor".
std::string UvError(std::string_view operation, int uv_code);

}  // namespace orauditd
