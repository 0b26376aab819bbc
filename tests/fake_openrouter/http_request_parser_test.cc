#include "tests/fake_openrouter/http_request_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace orauditd::fake {
namespace {

using Result = HttpRequestParser::Result;

TEST(HttpRequestParserTest, ParsesOneRequest) {
  HttpRequestParser parser;
  std::string text = "GET /a?id=1 HTTP/1.1\r\nHost: x\r\nAuthorization:  Bearer k \r\n\r\n";
  parser.Feed(text.data(), text.size());
  HttpRequest request;
  ASSERT_EQ(parser.Next(&request), Result::kRequest);
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/a?id=1");
  EXPECT_EQ(request.version_minor, 1);
  ASSERT_NE(request.Header("authorization"), nullptr);
  EXPECT_EQ(*request.Header("AUTHORIZATION"), "Bearer k");
  EXPECT_TRUE(request.keep_alive);
  EXPECT_EQ(parser.Next(&request), Result::kNeedMore);
}

TEST(HttpRequestParserTest, SplitsPipelinedRequestsInOrder) {
  HttpRequestParser parser;
  std::string text =
      "POST /s HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /2 HTTP/1.1\r\n\r\n"
      "GET /3 HTTP/1.1\r\nConnection: close\r\n\r\n";
  parser.Feed(text.data(), text.size());
  HttpRequest r;
  ASSERT_EQ(parser.Next(&r), Result::kRequest);
  EXPECT_EQ(r.body, "hello");
  ASSERT_EQ(parser.Next(&r), Result::kRequest);
  EXPECT_EQ(r.target, "/2");
  ASSERT_EQ(parser.Next(&r), Result::kRequest);
  EXPECT_EQ(r.target, "/3");
  EXPECT_FALSE(r.keep_alive);
  EXPECT_EQ(parser.Next(&r), Result::kNeedMore);
  EXPECT_EQ(parser.buffered(), 0u);
}

TEST(HttpRequestParserTest, AcceptsBytesOneAtATime) {
  HttpRequestParser parser;
  std::string text = "POST /s HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /n HTTP/1.1\r\n\r\n";
  HttpRequest r;
  int seen = 0;
  for (char c : text) {
    parser.Feed(&c, 1);
    while (parser.Next(&r) == Result::kRequest) ++seen;
  }
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(r.target, "/n");
}

TEST(HttpRequestParserTest, Http10ClosesUnlessKeepAlive) {
  HttpRequestParser parser;
  std::string text = "GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n";
  parser.Feed(text.data(), text.size());
  HttpRequest r;
  ASSERT_EQ(parser.Next(&r), Result::kRequest);
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(parser.Next(&r), Result::kRequest);
  EXPECT_TRUE(r.keep_alive);
}

TEST(HttpRequestParserTest, AsksForContinueOncePerRequest) {
  HttpRequestParser parser;
  std::string head = "POST /s HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n";
  parser.Feed(head.data(), head.size());
  HttpRequest r;
  EXPECT_EQ(parser.Next(&r), Result::kNeedMore);
  EXPECT_TRUE(parser.TakeContinueRequest());
  parser.Feed("ab", 2);
  EXPECT_EQ(parser.Next(&r), Result::kNeedMore);
  EXPECT_FALSE(parser.TakeContinueRequest());
  parser.Feed("cd", 2);
  ASSERT_EQ(parser.Next(&r), Result::kRequest);
  EXPECT_EQ(r.body, "abcd");
  EXPECT_FALSE(parser.TakeContinueRequest());
}

struct BadInput {
  std::string text;
  int status;
};

class HttpRequestParserErrorTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(HttpRequestParserErrorTest, RefusesWithStatus) {
  HttpRequestParser parser;
  parser.Feed(GetParam().text.data(), GetParam().text.size());
  HttpRequest r;
  EXPECT_EQ(parser.Next(&r), Result::kError);
  EXPECT_EQ(parser.error_status(), GetParam().status);
  EXPECT_FALSE(parser.error().empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HttpRequestParserErrorTest,
    ::testing::Values(BadInput{"GARBAGE\r\n\r\n", 400}, BadInput{"GET / HTTP/2.0\r\n\r\n", 505},
                      BadInput{"GET / HTTP/1.1\r\nNoColon\r\n\r\n", 400},
                      BadInput{"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", 400},
                      BadInput{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 411},
                      BadInput{"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n", 413},
                      BadInput{"GET / HTTP/1.1\r\nX: " + std::string(70000, 'a') + "\r\n\r\n",
                               431}));

TEST(HttpRequestParserTest, RefusesEndlessHead) {
  HttpRequestParser parser;
  std::string chunk(4096, 'a');
  HttpRequest r;
  Result result = Result::kNeedMore;
  for (int i = 0; i < 20 && result == Result::kNeedMore; ++i) {
    parser.Feed(chunk.data(), chunk.size());
    result = parser.Next(&r);
  }
  EXPECT_EQ(result, Result::kError);
  EXPECT_EQ(parser.error_status(), 431);
}

}  // namespace
}  // namespace orauditd::fake
