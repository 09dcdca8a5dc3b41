// ccvmd: the ccvm system daemon. Owns the host's confidential VMs and serves org.ccvm.ccvm1 on the
// system bus (or the bus named by DBUS_SYSTEM_BUS_ADDRESS).
#include <sdbus-c++/sdbus-c++.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <CLI/CLI.hpp>

#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "ccvm/base/error.hpp"
#include "ccvm/daemon/bus_service.hpp"
#include "ccvm/daemon/config.hpp"
#include "ccvm/daemon/errors.hpp"
#include "ccvm/daemon/evidence_verifier.hpp"
#include "ccvm/daemon/key_broker_service.hpp"
#include "ccvm/daemon/platform_backend.hpp"
#include "ccvm/daemon/state_store.hpp"
#include "ccvm/daemon/vm_manager.hpp"

namespace {

constexpr const char* kDefaultConfig = "/etc/ccvm/ccvmd.yaml";
constexpr unsigned kWorkerThreads = 16;
// How often libvirt is asked whether running guests are still running.
constexpr auto kRefreshPeriod = std::chrono::seconds(2);

void setup_logging(const std::string& level) {
    // systemd sets JOURNAL_STREAM when stderr goes to the journal: log there with priorities.
    std::shared_ptr<spdlog::logger> logger;
    if (std::getenv("JOURNAL_STREAM") != nullptr) {
        logger = std::make_shared<spdlog::logger>("ccvmd", std::make_shared<spdlog::sinks::systemd_sink_mt>("ccvmd"));
    } else {
        logger = std::make_shared<spdlog::logger>("ccvmd", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        logger->set_pattern("ccvmd[%P]: %l: %v");
    }
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

int serve(const ccvm::daemon::DaemonConfig& config) {
    using namespace ccvm::daemon;
    // Signals are taken synchronously by one thread; every other thread inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    StateStore store(config.state_dir);
    Backends backends = make_backends(config);
    const char* crash_at = std::getenv("CCVMD_CRASH_AT");
    VmManager manager(store, *backends.backend, *backends.planner, *backends.flows,
                      CrashPoints(crash_at != nullptr ? crash_at : ""));
    const auto evidence_verifier = make_platform_evidence_verifier(config.attestation_dir);
    manager.set_evidence_verifier(evidence_verifier.get());
    manager.reconcile();

    auto connection = sdbus::createSystemBusConnection();
    BusService service(*connection, manager, Authorizer::for_group(config.admin_group), config.libvirt_uri,
                       kWorkerThreads);
    service.publish_existing();
    // The key broker serves the VMs the manager knows, so it starts after reconcile(). One that cannot
    // listen stops ccvmd at start-up with one line naming the key, rather than running without it.
    std::unique_ptr<KeyBrokerService> key_broker;
    if (config.kbs_listen) {
        key_broker = std::make_unique<KeyBrokerService>(config, manager);
        key_broker->set_observer(&service);
        service.set_key_broker(key_broker.get());
        key_broker->start();
    }
    connection->requestName(kBusName);

    std::mutex stop_mutex;
    std::condition_variable stop_cv;
    bool stopping = false;
    std::thread refresher([&] {
        std::unique_lock lock(stop_mutex);
        while (!stop_cv.wait_for(lock, kRefreshPeriod, [&] { return stopping; })) {
            lock.unlock();
            manager.refresh();
            lock.lock();
        }
    });
    std::thread signal_waiter([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        spdlog::info("signal {}: shutting down", sig);
        connection->leaveEventLoop();
    });

    spdlog::info("serving {} ({} VMs, launch security {}, libvirt {}, state {})", kBusName, manager.list().size(),
                 manager.backend_name(), config.libvirt_uri, config.state_dir.string());
    sd_notify(0, "READY=1\nSTATUS=serving org.ccvm.ccvm1");
    connection->enterEventLoop();
    sd_notify(0, "STOPPING=1");
    if (key_broker) key_broker->stop();
    {
        std::lock_guard lock(stop_mutex);
        stopping = true;
    }
    stop_cv.notify_all();
    refresher.join();
    signal_waiter.join();
    connection->releaseName(kBusName);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"ccvmd: the ccvm daemon (org.ccvm.ccvm1 on the system bus)", "ccvmd"};
    std::string config_path;
    app.add_option("--config", config_path, "configuration file (default " + std::string(kDefaultConfig) + ")");
    app.set_version_flag("--version", "ccvmd 0.1.0");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    ccvm::daemon::DaemonConfig config;
    try {
        if (!config_path.empty()) {
            config = ccvm::daemon::load_config(config_path);
        } else if (std::filesystem::exists(kDefaultConfig)) {
            config = ccvm::daemon::load_config(kDefaultConfig);
        }
    } catch (const ccvm::Error& e) {
        std::cerr << "ccvmd: error: " << e.what() << "\n";
        return ccvm::exit_code(e.kind());
    }
    setup_logging(config.log_level);
    try {
        return serve(config);
    } catch (const ccvm::Error& e) {
        spdlog::critical("{}", e.what());
        return ccvm::exit_code(e.kind());
    } catch (const std::exception& e) {
        spdlog::critical("{}", e.what());
        return 3;
    }
}
