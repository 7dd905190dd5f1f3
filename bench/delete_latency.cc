// delete_latency: the latency of sequential DELETE /api/jobs/{id}, one
// request at a time over one keep-alive connection (Boost.Beast, sync).
//
//   delete_latency --port P --ids FILE [--count 200] [--host 127.0.0.1] [--csv OUT]
//
// FILE holds one live job id per line (seed writes bench-delete-ids.txt).
// Every answer must be 200 with "status":"deleted"; any other answer is
// printed and makes the exit status 1. Prints p50/p90/p99/max in ms, and a
// machine-readable line "RESULT count=.. p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. feedback_deleted=..".
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * sorted.size()));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

// "feedback_deleted":N from the answer, or -1.
long FeedbackDeleted(const std::string& body) {
  const std::string key = "\"feedback_deleted\":";
  size_t pos = body.find(key);
  if (pos == std::string::npos) return -1;
  pos += key.size();
  while (pos < body.size() && body[pos] == ' ') ++pos;
  return std::strtol(body.c_str() + pos, nullptr, 10);
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  int port = 8000;
  std::string ids_file;
  int count = 200;
  std::string csv;
  CLI::App app{"Latency of sequential DELETE /api/jobs/{id} over one keep-alive connection"};
  app.add_option("--host", host)->capture_default_str();
  app.add_option("--port", port)->required()->check(CLI::Range(1, 65535));
  app.add_option("--ids", ids_file, "File with one live job id per line")->required()->check(CLI::ExistingFile);
  app.add_option("--count", count, "Deletes to run")->check(CLI::Range(1, 1000000))->capture_default_str();
  app.add_option("--csv", csv, "Also write each request's latency (index,job_id,started_unix_us,ms) to this file");
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> ids;
  {
    std::ifstream in(ids_file);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) ids.push_back(line);
    }
  }
  if (static_cast<int>(ids.size()) < count) {
    std::fprintf(stderr, "delete_latency: %s has %zu ids, %d needed\n", ids_file.c_str(), ids.size(), count);
    return 1;
  }

  try {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    stream.connect(resolver.resolve(host, std::to_string(port)));
    stream.socket().set_option(tcp::no_delay(true));
    beast::flat_buffer buffer;
    std::vector<double> ms;
    std::vector<long long> started_us;  // wall clock, to line requests up with server-side traces
    ms.reserve(count);
    int failures = 0;
    long feedback_deleted = 0;
    for (int i = 0; i < count; ++i) {
      http::request<http::empty_body> req{http::verb::delete_, "/api/jobs/" + ids[i], 11};
      req.set(http::field::host, host);
      req.keep_alive(true);
      http::response<http::string_body> res;
      started_us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::system_clock::now().time_since_epoch()).count());
      const auto start = std::chrono::steady_clock::now();
      http::write(stream, req);
      http::read(stream, buffer, res);
      const auto end = std::chrono::steady_clock::now();
      ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
      const bool deleted = res.result_int() == 200 && res.body().find("\"deleted\"") != std::string::npos;
      if (!deleted) {
        ++failures;
        std::fprintf(stderr, "delete_latency: DELETE /api/jobs/%s -> %u %s\n", ids[i].c_str(),
                     res.result_int(), res.body().substr(0, 200).c_str());
      } else if (long n = FeedbackDeleted(res.body()); n > 0) {
        feedback_deleted += n;
      }
      if (!res.keep_alive()) {
        std::fprintf(stderr, "delete_latency: server closed the connection after request %d\n", i + 1);
        return 1;
      }
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);

    if (!csv.empty()) {
      std::ofstream out(csv, std::ios::trunc);
      out << "index,job_id,started_unix_us,ms\n";
      for (int i = 0; i < count; ++i) out << i << ',' << ids[i] << ',' << started_us[i] << ',' << ms[i] << '\n';
    }
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    double sum = 0;
    for (double v : ms) sum += v;
    std::printf("DELETE /api/jobs/{id}: %d sequential requests, %d not 200, %ld feedback rows cascaded\n",
                count, failures, feedback_deleted);
    std::printf("  mean %.2f ms  p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n", sum / count,
                Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99), sorted.back());
    std::printf("RESULT count=%d failures=%d p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f "
                "feedback_deleted=%ld\n",
                count, failures, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99),
                sorted.back(), feedback_deleted);
    return failures == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "delete_latency: %s\n", e.what());
    return 1;
  }
}
