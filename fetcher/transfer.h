// Transfer: one GET of the HttpClient, from Get() until its callback has run.
// It owns the request, the response being filled in and the header list curl
// reads from, and borrows an easy handle from the client while in flight.
// Internal to the fetcher; loop thread only, like the client.
#pragma once

#include <curl/curl.h>

#include <string>

#include "common/status.h"
#include "fetcher/http_client.h"

namespace orauditd {

// What every transfer of one client shares.
struct TransferSettings {
  std::string user_agent;
  std::string ca_file;  // at most one of the two is set
  std::string ca_dir;
};

// Sets the options every transfer of a client shares on a new easy handle.
// A handle keeps them from one transfer to the next: setting them (and
// resetting the handle) once per lookup cost the loop a few percent of its
// time in allocations.
Status ConfigureEasy(CURL* easy, const TransferSettings& settings);

class Transfer {
 public:
  Transfer(HttpRequest request, HttpClient::Callback done);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  // Sets the options of this request on `easy`, a handle that
  // ConfigureEasy set up. On error the handle stays with the caller, in an
  // unknown state: clean it up.
  Status Attach(CURL* easy);

  // Hands the easy handle back, cleared of every pointer into this
  // transfer, e.g. for the next one.
  CURL* Detach();

  CURL* easy() const { return easy_; }
  const std::string& url() const { return request_.url; }

  // Fills in the outcome once curl reports `result`; the handle is still
  // attached.
  void Finish(CURLcode result);

  // Ends the transfer without curl's verdict; `error` is the whole text.
  void Fail(std::string error);

  // Runs the callback with the response. Call once.
  void Notify();

 private:
  friend Status ConfigureEasy(CURL* easy, const TransferSettings& settings);
  static size_t OnBody(char* data, size_t size, size_t count, void* user);
  static size_t OnHeader(char* data, size_t size, size_t count, void* user);

  HttpRequest request_;
  HttpClient::Callback done_;
  HttpResponse response_;
  curl_slist* header_list_ = nullptr;
  CURL* easy_ = nullptr;
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

}  // namespace orauditd
