// upstream-sim: command line, start-up, readiness file, shutdown.
//
// Two listeners on one loopback address: the upstream API over HTTPS with mandatory client
// certificates, and the admin API over plain HTTP. Tests start the simulator with --port 0
// --admin-port 0 --ready-file F, wait for F, and read the ports from it.
#include "admin_api.hpp"
#include "admin_orders.hpp"
#include "admin_wms.hpp"
#include "api_hooks.hpp"
#include "din_api.hpp"
#include "faults.hpp"
#include "loopback.hpp"
#include "partner_store.hpp"
#include "pmp_api.hpp"
#include "sales_order_api.hpp"
#include "smartseller_admin.hpp"
#include "smartseller_api.hpp"
#include "order_store.hpp"
#include "orders_api.hpp"
#include "smile_login.hpp"
#include "secrets.hpp"
#include "stats.hpp"
#include "store.hpp"
#include "tls.hpp"
#include "tls_faults.hpp"
#include "tls_protocol.hpp"
#include "token_ttl.hpp"
#include "wms_api.hpp"
#include "wms_data.hpp"

#include <CLI/CLI.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

namespace {

using namespace upstream_sim;

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;
constexpr int exit_usage = 2;

struct Options {
  TlsFiles tls;
  std::string host = "127.0.0.1";
  int port = 0;
  int admin_port = 0;
  std::string db = ":memory:";
  std::string ready_file;
  DinSettings din{"demo", "demo-password"};
  SmileAccount orders{"orders@demo.example", "orders-password"};  // SMILE /auth/login
  SmileAccount wms{"wms@demo.example", "wms-password"};  // SMILE /auth/login
  std::string wms_data;                                  // --wms-data: seed file, else generated
  std::int64_t wms_materials = 1203;                     // generated materials (3 pages of 500)
  std::int64_t token_ttl_seconds = 3600;
  bool device_header_required = true;
  SalesOrderOptions sales_order;
  PmpOptions pmp;
  std::string smartseller_api_key = "demo-smartseller-key";
  TlsProtocol tls_protocol;
};

void fail(const std::string& message) {
  std::fprintf(stderr, "upstream-sim: %s\n", message.c_str());
}

// Port 0 asks the kernel for a free port, so parallel tests never collide. Returns the bound
// port or -1.
int bind_listener(httplib::Server& server, const std::string& host, int port) {
  if (port == 0) return server.bind_to_any_port(host);
  return server.bind_to_port(host, port) ? port : -1;
}

// Written to FILE.tmp then renamed, so a test polling for the file never reads half of it.
bool write_ready_file(const std::string& path, int port, int admin_port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << nlohmann::json{{"port", port}, {"admin_port", admin_port}, {"pid", getpid()}}.dump()
        << '\n';
    out.close();
    if (!out) {
      fail("cannot write --ready-file " + temporary);
      return false;
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    fail("cannot rename " + temporary + " to " + path + ": " + error.message());
    return false;
  }
  return true;
}

// Waits until both accept loops are running (their sockets already listen since the bind), or
// one of them gave up.
bool wait_until_serving(const httplib::Server& api, const httplib::Server& admin,
                        const std::atomic<bool>& api_done, const std::atomic<bool>& admin_done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (api_done || admin_done) return false;
    if (api.is_running() && admin.is_running()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

int run(const Options& options, const std::string& bind_address, const sigset_t& stop_signals) {
  std::optional<Store> store;
  std::optional<PartnerStore> partner_store;
  std::optional<SmartSellerStore> smartseller_store;
  std::optional<OrderStore> orders;
  std::optional<WmsData> wms_data;
  try {
    store.emplace(options.db);
    partner_store.emplace(partner_db_path(options.db));
    smartseller_store.emplace(options.db);
    orders.emplace(options.db);
    wms_data.emplace(options.wms_data.empty()
                         ? generate_wms_seed(options.wms_materials, std::time(nullptr))
                         : load_wms_seed(options.wms_data));
  } catch (const StoreError& e) {
    fail(e.what());
    return exit_failure;
  } catch (const WmsDataError& e) {
    fail(e.what());
    return exit_failure;
  }
  WmsDisposals wms_disposals(*wms_data);
  WmsRequestLog wms_requests;
  Stats stats;
  Faults faults;
  TlsFaults tls_faults(stats);  // outlives api, whose SSL_CTX calls into it
  TokenTtl token_ttl(options.token_ttl_seconds);
  std::optional<SalesOrderApi> sales_order;
  try {
    sales_order.emplace(options.sales_order, *partner_store, stats, token_ttl);
  } catch (const std::runtime_error& e) {
    fail(std::string("--sales-public-key: ") + e.what());
    return exit_failure;
  }
  PmpApi pmp(options.pmp, *partner_store, stats, token_ttl);

  std::string tls_error;
  httplib::SSLServer api([&](SSL_CTX& ctx) {
    if (!configure_server_tls(ctx, options.tls, tls_error) ||
        !apply_tls_protocol(ctx, options.tls_protocol, tls_error)) {
      return false;
    }
    record_tls_outcomes(ctx, stats);
    return tls_faults.install(ctx, tls_error);
  });
  if (!api.is_valid()) {
    fail(tls_error.empty() ? "cannot set up TLS" : tls_error);
    return exit_failure;
  }
  // Pickings are small; a megabyte is plenty and keeps a runaway client from eating memory.
  api.set_payload_max_length(std::size_t{1024} * 1024);
  // httplib closes a connection after 5 requests by default; allow more, as a real server
  // would, so the agent's connection reuse is actually exercised.
  api.set_keep_alive_max_count(100);
  // Answers go out at once: with Nagle on, the header and body writes of one answer wait on the
  // client's delayed ACK (about 40 ms per request on loopback), which would make the simulator,
  // not the agent, the bottleneck of every drain.
  api.set_tcp_nodelay(true);
  // httplib serves one connection per pool thread for as long as it stays open (keep-alive), and
  // its default pool has 8 threads: the ninth device of a fleet test would wait for someone's
  // idle connection to time out. Many threads cost little on a test host.
  api.new_task_queue = [] { return new httplib::ThreadPool(64); };

  const ApiGate gate(faults, stats, options.device_header_required);
  gate.install_hooks(api);
  register_din_api(api, gate, *store, stats, options.din, token_ttl);
  sales_order->register_routes(api, gate);
  pmp.register_routes(api, gate);
  SmartSellerKey smartseller_key(options.smartseller_api_key);
  register_smartseller_api(api, gate, *smartseller_store, stats, smartseller_key);
  // One SMILE /auth/login for every SMILE area; each area adds its account here.
  register_smile_login(api, gate, *store, stats, {options.orders, options.wms}, token_ttl);
  register_orders_api(api, gate, *store, *orders, stats);
  const WmsTargets wms{*store, stats, *wms_data, wms_disposals, wms_requests};
  register_wms_api(api, gate, wms);
  gate.install_fallback(api);

  httplib::Server admin;
  sales_order->register_admin(admin);
  pmp.register_admin(admin);
  register_smartseller_admin(admin, *smartseller_store, smartseller_key);  // before the catch-all
  register_orders_admin(admin, *orders);
  register_wms_admin(admin, wms);
  register_admin_api(admin, AdminTargets{*store, stats, faults, tls_faults, token_ttl});

  const int port = bind_listener(api, bind_address, options.port);
  if (port < 0) {
    fail("cannot listen on " + bind_address + ":" + std::to_string(options.port));
    return exit_failure;
  }
  const int admin_port = bind_listener(admin, bind_address, options.admin_port);
  if (admin_port < 0) {
    fail("cannot listen on " + bind_address + ":" + std::to_string(options.admin_port) +
         " (admin)");
    return exit_failure;
  }

  std::atomic<bool> api_done{false};
  std::atomic<bool> admin_done{false};
  std::thread api_thread([&] {
    api.listen_after_bind();
    api_done = true;
  });
  std::thread admin_thread([&] {
    admin.listen_after_bind();
    admin_done = true;
  });

  int exit_code = exit_ok;
  if (!wait_until_serving(api, admin, api_done, admin_done)) {
    fail("listeners did not start");
    exit_code = exit_failure;
  } else if (!options.ready_file.empty() &&
             !write_ready_file(options.ready_file, port, admin_port)) {
    exit_code = exit_failure;
  } else {
    const std::string host = url_host(bind_address);
    std::printf("upstream-sim: listening on https://%s:%d (admin http://%s:%d)\n", host.c_str(),
                port, host.c_str(), admin_port);
    std::fflush(stdout);

    // Signals are blocked in every thread and taken here synchronously: no async-signal-safety
    // puzzles, and the wake-up also notices a listener that died.
    const timespec tick{0, 200'000'000};  // 200 ms
    while (true) {
      const int signal_number = sigtimedwait(&stop_signals, nullptr, &tick);
      if (signal_number == SIGINT || signal_number == SIGTERM) break;
      if (api_done || admin_done) {
        fail("a listener stopped unexpectedly");
        exit_code = exit_failure;
        break;
      }
    }
    // A second Ctrl-C during a slow shutdown kills at once.
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
  }

  // stop() closes the listening sockets; listen_after_bind returns once every connection thread
  // has finished. In-flight requests take milliseconds, but httplib only notices the stop
  // between requests, so an idle keep-alive connection (the agent's curl keeps one) would hold
  // shutdown for the whole keep-alive timeout. Give connections a short grace period, then drop
  // them: every SQLite transaction is committed or rolled back on its own, so nothing is lost.
  api.stop();
  admin.stop();
  const auto grace_end = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!(api_done && admin_done) && std::chrono::steady_clock::now() < grace_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!options.ready_file.empty()) {
    std::error_code ignored;
    std::filesystem::remove(options.ready_file, ignored);
  }
  if (!(api_done && admin_done)) {
    std::fprintf(stderr, "upstream-sim: stopped (dropped idle connections)\n");
    std::fflush(nullptr);
    std::_Exit(exit_code);  // threads still blocked in httplib: no destructors, no joins
  }
  api_thread.join();
  admin_thread.join();
  if (exit_code == exit_ok) std::fprintf(stderr, "upstream-sim: stopped\n");
  return exit_code;
}

// --tls-min/--tls-max: the versions the API listener offers (interop tests of old and new
// servers; the default is the contract's TLS 1.2 and newer), --sigalgs its signature algorithms.
void add_tls_protocol_options(CLI::App& app, TlsProtocol& versions) {
  const auto version_of = [](int& target) {
    return [&target](const std::string& text) {
      const auto version = parse_tls_version(text);
      if (!version) throw CLI::ValidationError("TLS version", "expected 1.0, 1.1, 1.2 or 1.3");
      target = *version;
    };
  };
  app.add_option_function<std::string>("--tls-min", version_of(versions.min),
                                       "Oldest TLS version offered: 1.0, 1.1, 1.2 (default) or 1.3");
  app.add_option_function<std::string>("--tls-max", version_of(versions.max),
                                       "Newest TLS version offered: 1.0, 1.1, 1.2 or 1.3 (default)");
  app.add_option("--sigalgs", versions.sigalgs,
                 "Signature algorithms for the server's own signatures, in OpenSSL's list form "
                 "(default: OpenSSL's)");
}

int parse_and_run(int argc, char** argv) {
  // Before any thread exists, so every thread inherits the mask (see run()).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A client hanging up mid-response must not kill the server (OpenSSL writes with write()).
  signal(SIGPIPE, SIG_IGN);

  Options options;
  CLI::App app{"HTTPS stand-in for Outpost's upstream APIs: loopback only, mutual TLS.",
               "upstream-sim"};
  app.add_option("--cert", options.tls.cert, "Server certificate chain (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--key", options.tls.key, "Server private key (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--client-ca", options.tls.client_ca,
                 "CA certificate(s) that client certificates must chain to (PEM)")
      ->required()
      ->check(CLI::ExistingFile);
  app.add_option("--host", options.host, "Loopback address to listen on")->capture_default_str();
  app.add_option("--port", options.port, "HTTPS API port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--admin-port", options.admin_port, "Plain-HTTP admin port (0: any free port)")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--db", options.db, "SQLite file keeping accepted operations and tokens")
      ->capture_default_str();
  app.add_option("--ready-file", options.ready_file,
                 R"(Written once both listeners serve: {"port", "admin_port", "pid"})");
  app.add_option("--din-user", options.din.username, "DIN login user name")
      ->capture_default_str();
  // No capture_default_str: --help never shows a password.
  app.add_option("--din-password", options.din.password,
                 "DIN login password (default: the demo password)");
  app.add_option("--orders-user", options.orders.email,
                 "SMILE login (POST /auth/login) email for the order endpoints")
      ->capture_default_str();
  app.add_option("--orders-password", options.orders.password,
                 "SMILE login password for the order endpoints (default: the demo password)");
  app.add_option("--wms-user", options.wms.email,
                 "SMILE login (POST /auth/login) email for the WMS endpoints")
      ->capture_default_str();
  app.add_option("--wms-password", options.wms.password,
                 "SMILE login password for the WMS endpoints (default: the demo password)");
  app.add_option("--wms-data", options.wms_data,
                 "JSON file with the WMS master data and disposal instructions to serve "
                 "(default: a generated data set)")
      ->check(CLI::ExistingFile);
  app.add_option("--wms-materials", options.wms_materials,
                 "Materials in the generated WMS data set")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000}))
      ->capture_default_str();
  app.add_option("--token-ttl", options.token_ttl_seconds, "Token lifetime in seconds")
      ->check(CLI::Range(std::int64_t{0}, TokenTtl::max_seconds))
      ->capture_default_str();
  // No capture_default_str: --help never shows a key.
  app.add_option("--smartseller-api-key", options.smartseller_api_key,
                 "SmartSeller API key (Authorization: Bearer; default: the demo key)");
  app.add_flag("--device-header-required,!--no-device-header-required",
               options.device_header_required,
               "Answer 400 to API requests without X-Device-Id (default: on, as the contract "
               "puts it on every request)");
  add_sales_order_options(app, options.sales_order);
  add_pmp_options(app, options.pmp);
  add_tls_protocol_options(app, options.tls_protocol);
  app.add_flag_callback("--expose-tokens", keep_issued_tokens,
                        "Test mode: keep every issued token in the clear for GET "
                        "/admin/issued-tokens (secrets tests search the agent's output for them)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_usage;
  }

  const auto bind_address = loopback_bind_address(options.host);
  if (!bind_address) {
    fail("--host " + options.host +
         " is not a loopback address (127.0.0.0/8, ::1 or localhost); refusing to listen");
    return exit_usage;
  }
  if (options.port != 0 && options.port == options.admin_port) {
    fail("--port and --admin-port must differ");
    return exit_usage;
  }
  if (!options.ready_file.empty()) {
    // A stale file from an earlier run would hand a test the wrong ports.
    std::error_code ignored;
    std::filesystem::remove(options.ready_file, ignored);
  }
  return run(options, *bind_address, stop_signals);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return parse_and_run(argc, argv);
  } catch (const std::exception& e) {
    // Failures not foreseen above (out of memory, a thread that cannot start).
    fail(e.what());
  } catch (...) {
    fail("unknown exception");
  }
  return exit_failure;
}
