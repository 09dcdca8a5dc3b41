#include "ccvm/kbs/listen_address.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/error.hpp"

namespace ccvm::kbs {

bool ListenAddress::wildcard() const { return host == "0.0.0.0" || host == "::"; }

std::string ListenAddress::str() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ListenAddress parse_listen(std::string_view text, std::string_view what, std::uint16_t lowest_port) {
    const auto bad = [&](const std::string& why) {
        return InputError(std::string(what) + ": '" + echo_input(text) + "' is not ADDR:PORT: " + why);
    };
    ListenAddress out;
    std::string_view port_text;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos) throw bad("no ']' after the IPv6 address");
        out.host = std::string(text.substr(1, close - 1));
        if (close + 1 >= text.size() || text[close + 1] != ':') throw bad("no ':PORT' after ']'");
        port_text = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) throw bad("no ':PORT'");
        out.host = std::string(text.substr(0, colon));
        if (out.host.find(':') != std::string::npos) throw bad("an IPv6 address goes in brackets, [ADDR]:PORT");
        port_text = text.substr(colon + 1);
    }
    if (out.host.empty()) throw bad("the address is empty");
    const bool host_ok = std::all_of(out.host.begin(), out.host.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == ':' || c == '%';
    });
    if (!host_ok) throw bad("the address has characters no host name or IP address has");
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port < lowest_port ||
        port > 65535)
        throw bad("the port must be a number from " + std::to_string(lowest_port) + " to 65535");
    out.port = static_cast<std::uint16_t>(port);
    return out;
}

}  // namespace ccvm::kbs
