#include "launch_backends/simulated_firmware.hpp"

#include <openssl/rand.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"

namespace ccvm::daemon {

namespace {

// The text of <tag> inside the <launchSecurity> element of a domain XML ("" when absent).
std::string launch_security_child(std::string_view xml, std::string_view tag) {
    const auto ls = xml.find("<launchSecurity");
    if (ls == std::string_view::npos) return {};
    const auto end = xml.find("</launchSecurity>", ls);
    // Built with append: for `"<" + std::string(tag) + ">"` GCC 12 at -O3 reports a false
    // -Wrestrict inside libstdc++'s inlined std::string copy.
    const std::string open = std::string("<").append(tag).append(">");
    const std::string close = std::string("</").append(tag).append(">");
    const auto at = xml.find(open, ls);
    if (at == std::string_view::npos || at > end) return {};
    const auto from = at + open.size();
    const auto to = xml.find(close, from);
    if (to == std::string_view::npos || to > end) return {};
    return std::string(xml.substr(from, to - from));
}

}  // namespace

bool has_sev_launch_security(std::string_view domain_xml) {
    return domain_xml.find("<launchSecurity type='sev'") != std::string_view::npos ||
           domain_xml.find("<launchSecurity type=\"sev\"") != std::string_view::npos;
}

LaunchStartInput launch_start_input(std::string_view domain_xml) {
    const std::string policy = launch_security_child(domain_xml, "policy");
    const std::string dh_cert = launch_security_child(domain_xml, "dhCert");
    const std::string session = launch_security_child(domain_xml, "session");
    if (policy.empty() || dh_cert.empty() || session.empty())
        throw InputError("LAUNCH_START needs <policy>, <dhCert> and <session> in <launchSecurity>");
    LaunchStartInput in;
    std::size_t used = 0;
    unsigned long value = 0;
    try {
        value = std::stoul(policy, &used, 16);
    } catch (const std::logic_error&) {
        used = 0;
    }
    if (used == 0 || used != policy.size() || value > 0xffffffffUL)
        throw InputError("<policy> " + policy + " is not a 32-bit hex value");
    in.policy = static_cast<std::uint32_t>(value);
    in.dh_cert = from_base64(dh_cert, "<dhCert>");
    in.session = from_base64(session, "<session>");
    return in;
}

std::optional<sev::KernelHashesTable> simulated_kernel_hashes(const platform::VmSpec& spec, bool kernel_hashes) {
    if (!kernel_hashes) return std::nullopt;
    if (!spec.kernel) throw InputError("kernel-hashes without a kernel");
    const MappedFile kernel(*spec.kernel);
    std::optional<MappedFile> initrd;
    if (spec.initrd) initrd.emplace(*spec.initrd);
    return sev::build_kernel_hashes_table(kernel.bytes(),
                                          initrd ? std::optional<ByteSpan>(initrd->bytes()) : std::nullopt,
                                          spec.cmdline ? std::optional<std::string_view>(*spec.cmdline) : std::nullopt);
}

std::array<std::byte, 16> simulated_mnonce() {
    std::array<std::byte, 16> mnonce{};
    if (RAND_bytes(reinterpret_cast<unsigned char*>(mnonce.data()), static_cast<int>(mnonce.size())) != 1)
        throw SystemError("OpenSSL: no randomness for MNONCE");
    return mnonce;
}

}  // namespace ccvm::daemon
