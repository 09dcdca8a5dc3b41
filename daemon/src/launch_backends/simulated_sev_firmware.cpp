// The AMD secure processor of launch_security: simulated: P-384 PDH, session unwrap (AMD SEV API spec (pub. 55766)
// LAUNCH_START), SEV / SEV-ES launch digest (AMD SEV API spec (pub. 55766) LAUNCH_UPDATE_DATA, LAUNCH_UPDATE_VMSA),
// LAUNCH_MEASURE (AMD SEV API spec (pub. 55766) LAUNCH_MEASURE), LAUNCH_SECRET (AMD SEV API spec (pub. 55766)
// LAUNCH_SECRET).
#include <openssl/crypto.h>

#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "ccvm/firmware-measure/sev/vcpu_types.hpp"
#include "ccvm/firmware-measure/sev/vmm_type.hpp"
#include "ccvm/firmware-measure/sev/vmsa.hpp"
#include "ccvm/launch-secret/kdf.hpp"
#include "ccvm/launch-secret/launch_measure.hpp"
#include "ccvm/launch-secret/launch_secret.hpp"
#include "ccvm/launch-secret/p384.hpp"
#include "ccvm/launch-secret/session.hpp"
#include "ccvm/launch-secret/sev_cert.hpp"
#include "ccvm/launch-secret/sev_crypto.hpp"
#include "launch_backends/simulated_firmware.hpp"

namespace ccvm::daemon {
namespace {

// AMD SEV API spec (pub. 55766) LAUNCH_START: policy bit 2 selects SEV-ES (the VMSAs join the launch digest).
constexpr std::uint32_t kPolicyEs = 0x4;

template <std::size_t N>
std::array<std::byte, N> take(ByteSpan data, std::size_t offset) {
    std::array<std::byte, N> out{};
    std::copy_n(data.begin() + static_cast<std::ptrdiff_t>(offset), N, out.begin());
    return out;
}

class SimulatedSevFirmware final : public SimulatedFirmware {
public:
    std::string_view name() const noexcept override { return "SEV"; }

    Bytes pdh() const override {
        secret::SevCertificate cert = secret::SevCertificate::godh(pdh_.public_point());
        cert.usage = static_cast<std::uint32_t>(secret::SevCertUsage::pdh);
        cert.api_major = kSimulatedApiMajor;
        cert.api_minor = kSimulatedApiMinor;
        return cert.serialize();
    }

    SimulatedGuest launch(const LaunchStartInput& in, const platform::VmSpec& spec) const override {
        SimulatedGuest guest;
        guest.policy = in.policy;
        // AMD SEV API spec (pub. 55766) LAUNCH_START, on the firmware's side of the ECDH.
        const secret::SevCertificate godh = secret::SevCertificate::parse(in.dh_cert, "dhCert");
        if (in.session.size() != secret::kSessionBlobSize) throw InputError("session blob is not 128 bytes");
        const ByteSpan blob = in.session;
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
            throw InputError("LAUNCH_START: WRAP_MAC does not verify (session not made for this PDH)");
        Bytes keys = secret::aes_128_ctr(kek, wrap_iv, wrap_tk);
        guest.tek = secret::SecretBytes(ByteSpan(keys).first(16));
        guest.tik = secret::SecretBytes(ByteSpan(keys).subspan(16, 16));
        OPENSSL_cleanse(keys.data(), keys.size());
        Bytes policy_le;
        append_le<std::uint32_t>(policy_le, guest.policy);
        if (!secret::constant_time_equal(secret::hmac_sha256(guest.tik, {policy_le}), policy_mac))
            throw InputError("LAUNCH_START: POLICY_MAC does not verify (policy changed after the session was made)");

        // LAUNCH_UPDATE_DATA (+ VMSAs) and LAUNCH_MEASURE over what this VM really boots now.
        const Sha256Digest ld = measure(spec, guest.policy);
        const auto mnonce = simulated_mnonce();
        const Sha256Digest m = secret::expected_launch_measure(
            guest.tik, {kSimulatedApiMajor, kSimulatedApiMinor, kSimulatedBuildId}, guest.policy, ld, mnonce);
        guest.measurement.assign(m.begin(), m.end());
        append(guest.measurement, mnonce);
        return guest;
    }

    secret::SecretBytes launch_secret(const SimulatedGuest& guest, ByteSpan header,
                                      ByteSpan ciphertext) const override {
        if (header.size() != secret::kLaunchSecretHeaderSize) throw InputError("LAUNCH_SECRET: header is not 52 bytes");
        // AMD SEV API spec (pub. 55766) LAUNCH_SECRET: FLAGS(4) || IV(16) || MAC(32). Decrypt, then check the MAC by
        // rebuilding it.
        const auto iv = take<16>(header, 4);
        secret::SecretBytes data(secret::aes_128_ctr(guest.tek, iv, ciphertext));
        const secret::LaunchSecretPacket expected = secret::build_launch_secret(
            guest.tek, guest.tik, guest.measurement, kSimulatedApiMajor, kSimulatedApiMinor, data, iv);
        if (!secret::constant_time_equal(expected.header, header) ||
            !secret::constant_time_equal(expected.ciphertext, ciphertext))
            throw InputError("LAUNCH_SECRET: packet MAC does not verify");
        return data;
    }

private:
    static Sha256Digest measure(const platform::VmSpec& spec, std::uint32_t policy) {
        if (!spec.firmware) throw InputError("the spec names no firmware to measure");
        const MappedFile firmware(*spec.firmware);
        const auto* sev = spec.options<platform::SevOptions>();
        const auto table = simulated_kernel_hashes(spec, sev != nullptr && sev->kernel_hashes);
        const sev::FirmwareImage image = sev::FirmwareImage::parse(firmware.bytes(), spec.firmware->string());
        if ((policy & kPolicyEs) == 0) return sev::sev_launch_digest(image, table);
        sev::VmsaParams params;
        if (spec.host.vmm_type) params.vmm = sev::parse_vmm_type(*spec.host.vmm_type);
        // The vCPU signature the "CPU" puts in RDX at reset: the host's, or the QEMU model's.
        std::optional<std::uint32_t> sig = spec.host.vcpu_signature;
        if (!sig && spec.cpu_model) sig = sev::vcpu_sig_for_type(*spec.cpu_model);
        if (!sig && params.vmm == sev::VmmType::qemu)
            throw InputError("SEV-ES VMSAs need the vCPU signature: set cpu-model or host.vcpu-signature");
        params.vcpu_sig = sig.value_or(0);
        if (spec.host.vmsa_profile) params.profile = sev::parse_vmsa_profile(*spec.host.vmsa_profile);
        return sev::seves_launch_digest(image, table, spec.vcpus, params);
    }

    secret::P384PrivateKey pdh_ = secret::P384PrivateKey::generate();
};

}  // namespace

std::unique_ptr<SimulatedFirmware> make_simulated_sev_firmware() { return std::make_unique<SimulatedSevFirmware>(); }

}  // namespace ccvm::daemon
