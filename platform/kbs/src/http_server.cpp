#include "ccvm/kbs/http_server.hpp"

#include <httplib.h>

#include <sys/socket.h>

#include <memory>
#include <thread>

#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"

namespace ccvm::kbs {
namespace {

void send(httplib::Response& res, const Reply& reply) {
    res.status = reply.status;
    if (reply.set_cookie) res.set_header("Set-Cookie", *reply.set_cookie);
    res.set_content(reply.body, reply.content_type.c_str());
}

// Answers for requests no handler took, in Trustee's ErrorInformation form.
void error_body(const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string type = "PluginNotFound", detail = "Plugin " + req.path + " not found";
    if (res.status == 413) {
        type = "SerdeError";
        detail = "request body larger than the KBS accepts";
    } else if (res.status == 405) {
        type = "InvalidRequestPath";
        detail = "Request path " + req.path + " is invalid for " + req.method;
    }
    res.set_content(
        json::Value{{"type", "https://github.com/confidential-containers/kbs/errors/" + type}, {"detail", detail}}
            .dump(),
        "application/json");
}

}  // namespace

struct HttpServer::Impl {
    KeyBroker& broker;
    HttpServerConfig config;
    std::unique_ptr<httplib::Server> server;
    std::thread thread;
    int port = 0;
    bool tls = false;
};

HttpServer::HttpServer(KeyBroker& broker, HttpServerConfig config)
    : impl_(std::make_unique<Impl>(Impl{broker, std::move(config), nullptr, {}, 0, false})) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::start() {
    if (impl_->server) return;
    const HttpServerConfig& c = impl_->config;
    const ListenAddress addr = parse_listen(c.listen);
    if (c.tls_cert.has_value() != c.tls_key.has_value())
        throw InputError("KBS TLS needs both a certificate and a key (kbs_tls_cert, kbs_tls_key)");
    std::unique_ptr<httplib::Server> svr;
    if (c.tls_cert) {
        auto ssl = std::make_unique<httplib::SSLServer>(c.tls_cert->c_str(), c.tls_key->c_str());
        if (!ssl->is_valid())
            throw InputError("KBS TLS: cannot use certificate " + c.tls_cert->string() + " with key " +
                             c.tls_key->string() + " (unreadable, not PEM, or not a pair)");
        svr = std::move(ssl);
        impl_->tls = true;
    } else {
        svr = std::make_unique<httplib::Server>();
    }
    const std::size_t threads = std::max<std::size_t>(1, c.threads);
    svr->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    svr->set_payload_max_length(c.max_body);
    svr->set_read_timeout(c.read_timeout);
    svr->set_write_timeout(c.write_timeout);
    svr->set_keep_alive_max_count(100);
    svr->set_error_handler(error_body);

    KeyBroker& broker = impl_->broker;
    svr->Post("/kbs/v0/auth",
              [&broker](const httplib::Request& req, httplib::Response& res) { send(res, broker.auth(req.body)); });
    svr->Post("/kbs/v0/attest", [&broker](const httplib::Request& req, httplib::Response& res) {
        send(res, broker.attest(req.get_header_value("Cookie"), req.body));
    });
    svr->Get(R"(/kbs/v0/resource/(.*))", [&broker](const httplib::Request& req, httplib::Response& res) {
        send(res, broker.resource(req.get_header_value("Cookie"), req.matches[1].str()));
    });
    svr->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(R"({"type":"https://github.com/confidential-containers/kbs/errors/PluginInternalError",)"
                        R"("detail":"Plugin internal error"})",
                        "application/json");
    });

    // Debian's compiled cpp-httplib listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG, fixed in
    // the library): a burst of guests booting together overflows it and the kernel answers with SYN
    // cookies and dropped connections. The listening socket is taken here and given the system's
    // backlog after the bind (listen(2) on a listening socket updates it). SO_REUSEADDR only, not
    // httplib's default SO_REUSEPORT: a second broker on the same port must fail, not share it.
    auto listener = std::make_shared<int>(-1);
    svr->set_socket_options([listener](socket_t sock) {
        int yes = 1;
        ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
        *listener = sock;
    });
    if (addr.port == 0) {
        impl_->port = svr->bind_to_any_port(addr.host);
        if (impl_->port < 0) throw SystemError("KBS: cannot bind " + addr.host + " (any port)");
    } else {
        if (!svr->bind_to_port(addr.host, addr.port))
            throw SystemError("KBS: cannot listen on " + c.listen + " (address in use or not local?)");
        impl_->port = addr.port;
    }
    if (*listener >= 0) ::listen(*listener, SOMAXCONN);
    httplib::Server* raw = svr.get();
    impl_->server = std::move(svr);
    impl_->thread = std::thread([raw] { raw->listen_after_bind(); });
    // stop() only interrupts a server that has entered its accept loop: wait for it.
    for (int i = 0; i < 5000 && !raw->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void HttpServer::stop() {
    if (!impl_ || !impl_->server) return;
    impl_->server->stop();
    if (impl_->thread.joinable()) impl_->thread.join();
    impl_->server.reset();
}

int HttpServer::port() const noexcept { return impl_->port; }
bool HttpServer::tls() const noexcept { return impl_->tls; }

}  // namespace ccvm::kbs
