#include "platform/simulated_sev.hpp"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "ccvm/daemon/errors.hpp"
#include "ccvm/firmware-measure/encoding.hpp"
#include "ccvm/firmware-measure/mapped_file.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "ccvm/firmware-measure/sev/vmm_type.hpp"
#include "ccvm/firmware-measure/sev/vmsa.hpp"
#include "ccvm/launch-secret/kdf.hpp"
#include "ccvm/launch-secret/launch_measure.hpp"
#include "ccvm/launch-secret/launch_secret.hpp"
#include "ccvm/launch-secret/secret_table.hpp"
#include "ccvm/launch-secret/sev_cert.hpp"
#include "ccvm/launch-secret/sev_crypto.hpp"
#include "ccvm/launch-secret/session.hpp"
#include "ccvm/platform/vm_spec.hpp"

namespace ccvm::daemon {

namespace {

// sev.md §8: policy bit 2 selects SEV-ES (the VMSAs join the launch digest).
constexpr std::uint32_t kPolicyEs = 0x4;

[[noreturn]] void firmware_error(const std::string& name, const std::string& what) {
    throw DaemonError(ErrorCode::libvirt, "simulated SEV firmware, domain " + name + ": " + what);
}

// The text of <tag> inside the <launchSecurity> element of a domain XML ("" when absent).
std::string launch_security_child(const std::string& xml, const std::string& tag) {
    const auto ls = xml.find("<launchSecurity");
    if (ls == std::string::npos) return {};
    const auto end = xml.find("</launchSecurity>", ls);
    const auto open = xml.find("<" + tag + ">", ls);
    if (open == std::string::npos || open > end) return {};
    const auto from = open + tag.size() + 2;
    const auto close = xml.find("</" + tag + ">", from);
    if (close == std::string::npos || close > end) return {};
    return xml.substr(from, close - from);
}

template <std::size_t N>
std::array<std::byte, N> take(ByteSpan data, std::size_t offset) {
    std::array<std::byte, N> out{};
    std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(offset), N, out.begin());
    return out;
}

}  // namespace

SimulatedSevBackend::SimulatedSevBackend(std::unique_ptr<LibvirtBackend> libvirt, std::filesystem::path vms_dir)
    : libvirt_(std::move(libvirt)), vms_dir_(std::move(vms_dir)), pdh_(secret::P384PrivateKey::generate()) {}

Bytes SimulatedSevBackend::sev_pdh() {
    secret::SevCertificate cert = secret::SevCertificate::godh(pdh_.public_point());
    cert.usage = static_cast<std::uint32_t>(secret::SevCertUsage::pdh);
    cert.api_major = kApiMajor;
    cert.api_minor = kApiMinor;
    return cert.serialize();
}

SimulatedSevBackend::Guest SimulatedSevBackend::launch_start(const std::string& name, const std::string& xml) {
    const std::string policy_text = launch_security_child(xml, "policy");
    const std::string dh_cert = launch_security_child(xml, "dhCert");
    const std::string session_b64 = launch_security_child(xml, "session");
    if (policy_text.empty() || dh_cert.empty() || session_b64.empty())
        firmware_error(name, "LAUNCH_START needs <policy>, <dhCert> and <session> in <launchSecurity>");
    Guest guest;
    guest.policy = static_cast<std::uint32_t>(std::stoul(policy_text, nullptr, 16));

    // sev.md §8 steps 2-4, on the firmware's side of the ECDH.
    const secret::SevCertificate godh = secret::SevCertificate::parse(from_base64(dh_cert, "dhCert"), "dhCert");
    const Bytes blob = from_base64(session_b64, "session");
    if (blob.size() != secret::kSessionBlobSize) firmware_error(name, "session blob is not 128 bytes");
    const auto nonce = take<16>(blob, 0x00);
    const auto wrap_tk = take<32>(blob, 0x10);
    const auto wrap_iv = take<16>(blob, 0x30);
    const auto wrap_mac = take<32>(blob, 0x40);
    const auto policy_mac = take<32>(blob, 0x60);
    const secret::SecretBytes z = pdh_.ecdh(godh.ecdh_public_key("dhCert"), "dhCert");
    const secret::SecretBytes master = secret::kdf_sp800_108(z, secret::kMasterSecretLabel, nonce, 16);
    const secret::SecretBytes kek = secret::kdf_sp800_108(master, secret::kKekLabel, {}, 16);
    const secret::SecretBytes kik = secret::kdf_sp800_108(master, secret::kKikLabel, {}, 16);
    if (!secret::constant_time_equal(secret::hmac_sha256(kik, {wrap_tk}), wrap_mac))
        firmware_error(name, "LAUNCH_START: WRAP_MAC does not verify (session not made for this PDH)");
    Bytes keys = secret::aes_128_ctr(kek, wrap_iv, wrap_tk);
    guest.tek = secret::SecretBytes(ByteSpan(keys).first(16));
    guest.tik = secret::SecretBytes(ByteSpan(keys).subspan(16, 16));
    OPENSSL_cleanse(keys.data(), keys.size());
    Bytes policy_le;
    append_le<std::uint32_t>(policy_le, guest.policy);
    if (!secret::constant_time_equal(secret::hmac_sha256(guest.tik, {policy_le}), policy_mac))
        firmware_error(name, "LAUNCH_START: POLICY_MAC does not verify (policy changed after the session was made)");

    // LAUNCH_UPDATE_DATA (+ VMSAs) and LAUNCH_MEASURE over what this VM really boots now.
    const Sha256Digest ld = measure_inputs(name, guest.policy);
    std::array<std::byte, secret::kMnonceSize> mnonce{};
    if (RAND_bytes(reinterpret_cast<unsigned char*>(mnonce.data()), static_cast<int>(mnonce.size())) != 1)
        firmware_error(name, "no randomness for MNONCE");
    const Sha256Digest measure = secret::expected_launch_measure(
        guest.tik, {kApiMajor, kApiMinor, kBuildId}, guest.policy, ld, mnonce);
    guest.measurement.assign(measure.begin(), measure.end());
    guest.measurement.insert(guest.measurement.end(), mnonce.begin(), mnonce.end());
    return guest;
}

Sha256Digest SimulatedSevBackend::measure_inputs(const std::string& name, std::uint32_t policy) const {
    const std::filesystem::path spec_path = vms_dir_ / name / "spec.yaml";
    const platform::VmSpec spec = platform::parse_vm_spec(read_text_file(spec_path), spec_path.string());
    if (!spec.firmware) firmware_error(name, "the spec names no firmware to measure");
    const MappedFile firmware(*spec.firmware);
    const auto* sev = spec.options<platform::SevOptions>();
    std::optional<sev::KernelHashesTable> table;
    std::optional<MappedFile> kernel, initrd;
    if (sev != nullptr && sev->kernel_hashes) {
        if (!spec.kernel) firmware_error(name, "kernel-hashes without a kernel");
        kernel.emplace(*spec.kernel);
        if (spec.initrd) initrd.emplace(*spec.initrd);
        table = sev::build_kernel_hashes_table(kernel->bytes(), initrd ? std::optional<ByteSpan>(initrd->bytes())
                                                                       : std::nullopt,
                                               spec.cmdline ? std::optional<std::string_view>(*spec.cmdline)
                                                            : std::nullopt);
    }
    const sev::FirmwareImage image = sev::FirmwareImage::parse(firmware.bytes(), spec.firmware->string());
    if ((policy & kPolicyEs) == 0) return sev::sev_launch_digest(image, table);
    sev::VmsaParams params;
    if (!spec.host.vcpu_signature) firmware_error(name, "SEV-ES needs host.vcpu-signature to build the VMSAs");
    params.vcpu_sig = *spec.host.vcpu_signature;
    if (spec.host.vmm_type) params.vmm = sev::parse_vmm_type(*spec.host.vmm_type);
    if (spec.host.vmsa_profile) params.profile = sev::parse_vmsa_profile(*spec.host.vmsa_profile);
    return sev::seves_launch_digest(image, table, spec.vcpus, params);
}

void SimulatedSevBackend::start(const std::string& name, bool paused) {
    const std::string xml = libvirt_->domain_xml(name);
    if (xml.find("<launchSecurity type='sev'") == std::string::npos &&
        xml.find("<launchSecurity type=\"sev\"") == std::string::npos) {
        libvirt_->start(name, paused);
        return;
    }
    if (!paused) firmware_error(name, "an SEV guest must be started paused to be measured");
    Guest guest;
    try {
        guest = launch_start(name, xml);
    } catch (const InputError& e) {
        firmware_error(name, e.what());
    }
    libvirt_->start(name, false);
    std::lock_guard lock(mutex_);
    guests_.insert_or_assign(name, std::move(guest));
    spdlog::info("VM {}: simulated SEV firmware: LAUNCH_START and LAUNCH_MEASURE done", name);
}

LaunchReport SimulatedSevBackend::launch_measurement(const std::string& name) {
    std::lock_guard lock(mutex_);
    const auto it = guests_.find(name);
    if (it == guests_.end()) firmware_error(name, "LAUNCH_MEASURE: no SEV launch in progress");
    LaunchReport report;
    report.measurement = it->second.measurement;
    report.api_major = kApiMajor;
    report.api_minor = kApiMinor;
    report.build_id = kBuildId;
    report.policy = it->second.policy;
    return report;
}

void SimulatedSevBackend::inject_launch_secret(const std::string& name, const std::string& header_b64,
                                               const std::string& secret_b64) {
    std::lock_guard lock(mutex_);
    const auto it = guests_.find(name);
    if (it == guests_.end()) firmware_error(name, "LAUNCH_SECRET: no SEV launch in progress");
    Guest& guest = it->second;
    const Bytes header = from_base64(header_b64, "sev-secret-header");
    Bytes ciphertext = from_base64(secret_b64, "sev-secret");
    if (header.size() != secret::kLaunchSecretHeaderSize) firmware_error(name, "LAUNCH_SECRET: header is not 52 bytes");
    // sev.md §11: FLAGS(4) || IV(16) || MAC(32). Decrypt, then check the MAC by rebuilding it.
    const auto iv = take<16>(header, 4);
    secret::SecretBytes table(secret::aes_128_ctr(guest.tek, iv, ciphertext));
    const secret::LaunchSecretPacket expected = secret::build_launch_secret(
        guest.tek, guest.tik, guest.measurement, kApiMajor, kApiMinor, table, iv);
    if (!secret::constant_time_equal(expected.header, header) ||
        !secret::constant_time_equal(expected.ciphertext, ciphertext))
        firmware_error(name, "LAUNCH_SECRET: packet MAC does not verify");
    // sev.md §10: what OVMF would find: the table GUID and a total length within the packet.
    if (table.size() < secret::kSecretTableHeaderSize ||
        !std::equal(secret::kSecretTableGuid.bytes.begin(), secret::kSecretTableGuid.bytes.end(), table.data()) ||
        load_le<std::uint32_t>(table.span(), 16, "secret table length") > table.size())
        firmware_error(name, "LAUNCH_SECRET: decrypted data is not a secret table");
    guest.secret_injected = true;
    spdlog::info("VM {}: simulated SEV firmware: LAUNCH_SECRET accepted ({} bytes)", name, table.size());
}

void SimulatedSevBackend::finish(const std::string& name) {
    std::lock_guard lock(mutex_);
    guests_.erase(name);
}

DomainState SimulatedSevBackend::state(const std::string& name) {
    const DomainState s = libvirt_->state(name);
    std::lock_guard lock(mutex_);
    return s == DomainState::running && guests_.contains(name) ? DomainState::paused : s;
}

void SimulatedSevBackend::resume(const std::string& name) {
    {
        std::lock_guard lock(mutex_);
        // LAUNCH_FINISH: the guest runs and no secret can be injected any more.
        if (guests_.erase(name) > 0) return;
    }
    libvirt_->resume(name);
}

void SimulatedSevBackend::shutdown(const std::string& name) {
    libvirt_->shutdown(name);
    finish(name);
}

void SimulatedSevBackend::destroy(const std::string& name) {
    libvirt_->destroy(name);
    finish(name);
}

void SimulatedSevBackend::undefine(const std::string& name) {
    libvirt_->undefine(name);
    finish(name);
}

}  // namespace ccvm::daemon
