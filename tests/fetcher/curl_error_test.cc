#include "fetcher/curl_error.h"

#include <gtest/gtest.h>
#include <uv.h>

namespace orauditd {
namespace {

TEST(CurlCodeNameTest, NamesCodesAsCurlDoes) {
  EXPECT_STREQ(CurlCodeName(CURLE_OK), "CURLE_OK");
  EXPECT_STREQ(CurlCodeName(CURLE_OPERATION_TIMEDOUT), "CURLE_OPERATION_TIMEDOUT");
  EXPECT_STREQ(CurlCodeName(CURLE_COULDNT_CONNECT), "CURLE_COULDNT_CONNECT");
  EXPECT_STREQ(CurlCodeName(CURLE_PEER_FAILED_VERIFICATION), "CURLE_PEER_FAILED_VERIFICATION");
  EXPECT_STREQ(CurlCodeName(CURLE_UNRECOVERABLE_POLL), "CURLE_UNRECOVERABLE_POLL");
  EXPECT_STREQ(CurlCodeName(static_cast<CURLcode>(9999)), "CURLE_UNKNOWN");
}

TEST(CurlCodeNameTest, NamesMultiCodes) {
  EXPECT_STREQ(CurlMultiCodeName(CURLM_OK), "CURLM_OK");
  EXPECT_STREQ(CurlMultiCodeName(CURLM_BAD_SOCKET), "CURLM_BAD_SOCKET");
  EXPECT_STREQ(CurlMultiCodeName(CURLM_CALL_MULTI_PERFORM), "CURLM_CALL_MULTI_PERFORM");
  EXPECT_STREQ(CurlMultiCodeName(static_cast<CURLMcode>(9999)), "CURLM_UNKNOWN");
}

TEST(UrlForLogTest, DropsUserInfoAndQuery) {
  EXPECT_EQ(UrlForLog("https://openrouter.ai/api/v1/generation?id=gen-1"),
            "https://openrouter.ai/api/v1/generation");
  EXPECT_EQ(UrlForLog("https://user:secret@openrouter.ai:443/api?x=1#f"),
            "https://openrouter.ai:443/api");
  EXPECT_EQ(UrlForLog("http://u:p@host"), "http://host");
  EXPECT_EQ(UrlForLog("http://host/a@b"), "http://host/a@b");
}

TEST(TransferErrorTest, NamesUrlCodeAndCause) {
  EXPECT_EQ(
      TransferError("http://127.0.0.1:1234/api/v1/generation?id=g", CURLE_COULDNT_CONNECT,
                    "Failed to connect"),
      "GET http://127.0.0.1:1234/api/v1/generation: CURLE_COULDNT_CONNECT: Failed to connect");
  EXPECT_EQ(TransferError("http://h/", CURLE_OPERATION_TIMEDOUT, ""),
            std::string("GET http://h/: CURLE_OPERATION_TIMEDOUT: ") +
                curl_easy_strerror(CURLE_OPERATION_TIMEDOUT));
}

TEST(TransferErrorTest, MultiAndUvErrorsKeepTheirNames) {
  EXPECT_EQ(MultiError("curl_multi_add_handle", CURLM_OUT_OF_MEMORY),
            std::string("curl_multi_add_handle: CURLM_OUT_OF_MEMORY: ") +
                curl_multi_strerror(CURLM_OUT_OF_MEMORY));
  EXPECT_EQ(UvError("uv_poll_start(fd 7)", UV_EBADF),
            std::string("uv_poll_start(fd 7): EBADF: ") + uv_strerror(UV_EBADF));
}

}  // namespace
}  // namespace orauditd
