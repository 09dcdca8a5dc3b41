// The address a key broker listens on (ccvmd's `kbs_listen`, HttpServerConfig::listen): "ADDR:PORT".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ccvm::kbs {

// Where a key broker listens: ADDR an IPv4 address, a host name or a bracketed IPv6 address.
struct ListenAddress {
    std::string host;  // without brackets
    std::uint16_t port = 0;
    // True for 0.0.0.0 and ::, which no guest can use as the KBS URL.
    bool wildcard() const;
    // "HOST:PORT", IPv6 in brackets.
    std::string str() const;
};
// Parses "ADDR:PORT" or "[IPv6]:PORT", the port from `lowest_port` to 65535 (0: any free port; a
// configuration that names the port to its clients asks for 1). Throws InputError naming `what` (the
// configuration key) and saying what is wrong.
ListenAddress parse_listen(std::string_view text, std::string_view what = "kbs_listen", std::uint16_t lowest_port = 0);

}  // namespace ccvm::kbs
