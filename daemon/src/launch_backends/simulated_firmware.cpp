#include "launch_backends/simulated_firmware.hpp"

#include <openssl/rand.h>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/libvirt/xml_document.hpp"

namespace ccvm::daemon {

namespace {

// The <launchSecurity> element of a domain XML, when the domain has one.
std::optional<libvirt::XmlNode> launch_security(const libvirt::XmlDocument& doc) {
    return doc.root().child("launchSecurity");
}

// The text of <tag> inside <launchSecurity> ("" when absent).
std::string launch_security_child(const std::optional<libvirt::XmlNode>& ls, std::string_view tag) {
    if (!ls) return {};
    const std::optional<libvirt::XmlNode> child = ls->child(tag);
    return child ? child->text() : std::string();
}

}  // namespace

bool has_sev_launch_security(std::string_view domain_xml) {
    const libvirt::XmlDocument doc = libvirt::XmlDocument::parse(domain_xml, "domain XML");
    const auto ls = launch_security(doc);
    return ls && ls->attribute("type") == "sev";
}

LaunchStartInput launch_start_input(std::string_view domain_xml) {
    const libvirt::XmlDocument doc = libvirt::XmlDocument::parse(domain_xml, "domain XML");
    const auto ls = launch_security(doc);
    const std::string policy = launch_security_child(ls, "policy");
    const std::string dh_cert = launch_security_child(ls, "dhCert");
    const std::string session = launch_security_child(ls, "session");
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
