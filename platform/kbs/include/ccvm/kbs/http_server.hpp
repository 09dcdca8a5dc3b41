// The KBS HTTP front end for a KeyBroker (cpp-httplib): POST /kbs/v0/auth, POST /kbs/v0/attest,
// GET /kbs/v0/resource/REPO/TYPE/TAG, over TLS when a certificate and key are given.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "ccvm/kbs/key_broker.hpp"
#include "ccvm/kbs/listen_address.hpp"

namespace ccvm::kbs {

struct HttpServerConfig {
    std::string listen = "127.0.0.1:8080";  // ADDR:PORT ("[::1]:8080" for IPv6); port 0 picks a free one
    std::optional<std::filesystem::path> tls_cert, tls_key;  // both or neither; neither: plain HTTP
    std::size_t threads = 8;                                 // worker threads: requests beyond are queued
    std::size_t max_body = 1 << 20;                          // larger request bodies are refused with 413
    std::chrono::seconds read_timeout{10}, write_timeout{10};
};

class HttpServer {
public:
    HttpServer(KeyBroker& broker, HttpServerConfig config);
    ~HttpServer();  // stops
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts serving on a thread of its own; returns once it accepts connections. Throws
    // InputError for a bad address or TLS files, SystemError when the address cannot be bound.
    void start();
    // Stops accepting, lets running requests finish, joins. Idempotent.
    void stop();
    int port() const noexcept;  // the bound port (useful with port 0)
    bool tls() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ccvm::kbs
