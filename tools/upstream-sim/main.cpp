// upstream-sim: command line, start-up, readiness file, shutdown.
//
// Two listeners on one loopback address: the upstream API over HTTPS with mandatory client
// certificates, and the admin API over plain HTTP. Tests start the simulator with --port 0
// --admin-port 0 --ready-file F, wait for F, and read the ports from it. A third listener,
// --open-tls-port, serves the same API over TLS without client certificates for load generators
// (tools/bench runs wrk against it).
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
#include "timeline.hpp"
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
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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
  int open_tls_port = -1;  // -1: no listener without client certificates
  int threads = 64;
  std::size_t keep_alive_max = 100;
  bool request_log = true;
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
bool write_ready_file(const std::string& path, int port, int admin_port, int open_tls_port) {
  const std::string temporary = path + ".tmp";
  {
    nlohmann::json ready{{"port", port}, {"admin_port", admin_port}, {"pid", getpid()}};
    if (open_tls_port >= 0) ready["open_tls_port"] = open_tls_port;
    std::ofstream out(temporary, std::ios::trunc);
    out << ready.dump() << '\n';
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

// One listener and the thread running its accept loop.
struct Listener {
  httplib::Server* server;
  std::atomic<bool> done{false};
  std::thread thread;

  explicit Listener(httplib::Server& s) : server(&s) {
    thread = std::thread([this] {
      server->listen_after_bind();
      done = true;
    });
  }
};

// Waits until every accept loop is running (their sockets already listen since the bind), or
// one of them gave up.
bool wait_until_serving(const std::vector<std::unique_ptr<Listener>>& listeners) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    bool all_running = true;
    for (const auto& listener : listeners) {
      if (listener->done) return false;
      all_running = all_running && listener->server->is_running();
    }
    if (all_running) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

bool any_done(const std::vector<std::unique_ptr<Listener>>& listeners) {
  for (const auto& listener : listeners) {
    if (listener->done) return true;
  }
  return false;
}

bool all_done(const std::vector<std::unique_ptr<Listener>>& listeners) {
  for (const auto& listener : listeners) {
    if (!listener->done) return false;
  }
  return true;
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
  Timeline timeline;
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
  SmartSellerKey smartseller_key(options.smartseller_api_key);
  const WmsTargets wms{*store, stats, *wms_data, wms_disposals, wms_requests};
  const ApiGate gate(faults, stats, timeline, options.device_header_required,
                     options.request_log);

  // The API's settings and routes, the same on the mutual-TLS port and the open one.
  const auto serve_api = [&](httplib::Server& server) {
    // Pickings are small; a megabyte is plenty and keeps a runaway client from eating memory.
    server.set_payload_max_length(std::size_t{1024} * 1024);
    // httplib closes a connection after 5 requests by default; allow more, as a real server
    // would, so the agent's connection reuse is actually exercised.
    server.set_keep_alive_max_count(options.keep_alive_max);
    // Answers go out at once: with Nagle on, the header and body writes of one answer wait on
    // the client's delayed ACK (about 40 ms per request on loopback), which would make the
    // simulator, not the agent, the bottleneck of every drain.
    server.set_tcp_nodelay(true);
    // httplib serves one connection per pool thread for as long as it stays open (keep-alive),
    // and its default pool has 8 threads: the ninth device of a fleet test would wait for
    // someone's idle connection to time out. Many threads cost little on a test host.
    server.new_task_queue = [threads = options.threads] {
      return new httplib::ThreadPool(static_cast<std::size_t>(threads));
    };
    gate.install_hooks(server);
    register_din_api(server, gate, *store, stats, options.din, token_ttl);
    sales_order->register_routes(server, gate);
    pmp.register_routes(server, gate);
    register_smartseller_api(server, gate, *smartseller_store, stats, smartseller_key);
    // One SMILE /auth/login for every SMILE area; each area adds its account here.
    register_smile_login(server, gate, *store, stats, {options.orders, options.wms}, token_ttl);
    register_orders_api(server, gate, *store, *orders, stats);
    register_wms_api(server, gate, wms);
    gate.install_fallback(server);
  };

  std::string tls_error;
  httplib::SSLServer api([&](SSL_CTX& ctx) {
    if (!configure_server_tls(ctx, options.tls, ClientAuth::required, tls_error) ||
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
  serve_api(api);

  // Without client certificates; /admin/tls faults are not hooked in here (load tests only).
  std::optional<httplib::SSLServer> open_api;
  if (options.open_tls_port >= 0) {
    open_api.emplace([&](SSL_CTX& ctx) {
      return configure_server_tls(ctx, options.tls, ClientAuth::none, tls_error);
    });
    if (!open_api->is_valid()) {
      fail(tls_error.empty() ? "cannot set up TLS for --open-tls-port" : tls_error);
      return exit_failure;
    }
    serve_api(*open_api);
  }

  httplib::Server admin;
  sales_order->register_admin(admin);
  pmp.register_admin(admin);
  register_smartseller_admin(admin, *smartseller_store, smartseller_key);  // before the catch-all
  register_orders_admin(admin, *orders);
  register_wms_admin(admin, wms);
  register_admin_api(admin, AdminTargets{*store, stats, timeline, faults, tls_faults, token_ttl});

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
  int open_tls_port = -1;
  if (open_api) {
    open_tls_port = bind_listener(*open_api, bind_address, options.open_tls_port);
    if (open_tls_port < 0) {
      fail("cannot listen on " + bind_address + ":" + std::to_string(options.open_tls_port) +
           " (--open-tls-port)");
      return exit_failure;
    }
  }

  std::vector<std::unique_ptr<Listener>> listeners;
  listeners.push_back(std::make_unique<Listener>(api));
  listeners.push_back(std::make_unique<Listener>(admin));
  if (open_api) listeners.push_back(std::make_unique<Listener>(*open_api));

  int exit_code = exit_ok;
  if (!wait_until_serving(listeners)) {
    fail("listeners did not start");
    exit_code = exit_failure;
  } else if (!options.ready_file.empty() &&
             !write_ready_file(options.ready_file, port, admin_port, open_tls_port)) {
    exit_code = exit_failure;
  } else {
    const std::string host = url_host(bind_address);
    std::printf("upstream-sim: listening on https://%s:%d (admin http://%s:%d)\n", host.c_str(),
                port, host.c_str(), admin_port);
    if (open_api) {
      std::printf("upstream-sim: without client certificates on https://%s:%d\n", host.c_str(),
                  open_tls_port);
    }
    std::fflush(stdout);

    // Signals are blocked in every thread and taken here synchronously: no async-signal-safety
    // puzzles, and the wake-up also notices a listener that died.
    const timespec tick{0, 200'000'000};  // 200 ms
    while (true) {
      const int signal_number = sigtimedwait(&stop_signals, nullptr, &tick);
      if (signal_number == SIGINT || signal_number == SIGTERM) break;
      if (any_done(listeners)) {
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
  for (const auto& listener : listeners) listener->server->stop();
  const auto grace_end = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (!all_done(listeners) && std::chrono::steady_clock::now() < grace_end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (!options.ready_file.empty()) {
    std::error_code ignored;
    std::filesystem::remove(options.ready_file, ignored);
  }
  if (!all_done(listeners)) {
    std::fprintf(stderr, "upstream-sim: stopped (dropped idle connections)\n");
    std::fflush(nullptr);
    std::_Exit(exit_code);  // threads still blocked in httplib: no destructors, no joins
  }
  for (const auto& listener : listeners) listener->thread.join();
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
  app.add_option("--open-tls-port", options.open_tls_port,
                 "Also serve the API over TLS WITHOUT client certificates on this port (0: any "
                 "free port), for load generators such as wrk that cannot present one. Off by "
                 "default; listed in the ready file as open_tls_port")
      ->check(CLI::Range(0, 65535));
  app.add_option("--threads", options.threads,
                 "Connection threads per API listener (one per open keep-alive connection)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option("--keep-alive-max", options.keep_alive_max,
                 "Requests served on one connection before the server closes it")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000'000}))
      ->capture_default_str();
  app.add_flag("--request-log,!--no-request-log", options.request_log,
               "One stderr line per API request (default: on; off for load tests)");
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
  if (options.open_tls_port > 0 &&
      (options.open_tls_port == options.port || options.open_tls_port == options.admin_port)) {
    fail("--open-tls-port must differ from --port and --admin-port");
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
