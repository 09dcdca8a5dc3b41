// The Hygon secure processor of launch_security: simulated: SM2 PDH, LAUNCH_START with the owner's
// SM2-signed session (csv-rs src/session), CSV1 launch digest (Hygon QEMU target/i386/csv.c), LAUNCH_MEASURE and
// LAUNCH_SECRET (csv-rs src/session). The session and packet layouts are csv-rs ports (csv-rs: model).
#include <openssl/crypto.h>

#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/csv/csv_launch_digest.hpp"
#include "ccvm/launch-secret/csv/hmac_sm3.hpp"
#include "ccvm/launch-secret/csv/hygon_cert.hpp"
#include "ccvm/launch-secret/csv/launch_measure.hpp"
#include "ccvm/launch-secret/csv/launch_start.hpp"
#include "ccvm/launch-secret/csv/secret_packet.hpp"
#include "ccvm/launch-secret/csv/sm2.hpp"
#include "ccvm/launch-secret/csv/sm4_ctr.hpp"
#include "launch_backends/simulated_firmware.hpp"

namespace ccvm::daemon {
namespace {

namespace csv = secret::csv;

// csv-rs api/launch/mod.rs SessionBody: offsets of the fields the firmware reads (csv-rs src/session).
// (The nonce at 0 only feeds the owner's derivation of the master secret.)
constexpr std::size_t kWrapTk = 16, kWrapIv = 48, kWrapMac = 64, kSessionMac = 96, kMsEnc = 292;
constexpr std::size_t kSigR = csv::kSessionBodySize, kSigS = csv::kSessionBodySize + 32;

bool equal(ByteSpan a, ByteSpan b) { return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0; }

class SimulatedCsvFirmware final : public SimulatedFirmware {
public:
    std::string_view name() const noexcept override { return "CSV"; }

    Bytes pdh() const override {
        csv::CsvCertificate c;
        c.version = 1;
        c.fw_major = static_cast<std::uint8_t>(kSimulatedApiMajor);
        c.fw_minor = static_cast<std::uint8_t>(kSimulatedApiMinor);
        c.usage = static_cast<std::uint32_t>(csv::KeyUsage::pdh);
        c.algo = csv::kAlgoSm2KeyAgreement;
        c.pubkey.curve = csv::kCurveSm2_256;
        const auto x = pdh_.public_key().x_le(), y = pdh_.public_key().y_le();
        std::copy(x.begin(), x.end(), c.pubkey.x.begin());
        std::copy(y.begin(), y.end(), c.pubkey.y.begin());
        for (auto& slot : c.slots) slot.usage = static_cast<std::uint32_t>(csv::KeyUsage::empty_slot);
        return c.serialize();
    }

    SimulatedGuest launch(const LaunchStartInput& in, const platform::VmSpec& spec) const override {
        if (spec.tee != platform::TeeKind::csv)
            throw InputError("measures CSV1 guests only: Hygon does not publish the " +
                             std::string(platform::tee_name(spec.tee)) +
                             " VMSA/VMCB layout (Hygon QEMU target/i386/csv.c)");
        // LAUNCH_START: the session must be signed by the owner's key in dhCert (uid GUEST_USER_ID).
        const csv::CsvCertificate owner = csv::CsvCertificate::parse(in.dh_cert, "dhCert");
        if (in.session.size() != csv::kSessionSize)
            throw InputError("CSV session is " + std::to_string(in.session.size()) + " bytes, expected 772");
        const ByteSpan s = in.session;
        if (!owner.pubkey.to_sm2("dhCert public key")
                 .verify(s.first(csv::kSessionBodySize), owner.uid, s.subspan(kSigR, 32), s.subspan(kSigS, 32)))
            throw InputError("LAUNCH_START: the session's SM2 signature does not verify with dhCert");
        // The master secret comes SM2-encrypted to this PDH; KEK/KIK follow from it (csv-rs src/session).
        const secret::SecretBytes master =
            pdh_.decrypt(s.subspan(kMsEnc, csv::kMasterSecretFieldSize), csv::kMasterSecretSize);
        const csv::SessionKeys keys = csv::session_keys_from_master(master);
        const ByteSpan wrap_tk = s.subspan(kWrapTk, 32), wrap_iv = s.subspan(kWrapIv, 16);
        if (!equal(csv::hmac_sm3(keys.kik, {wrap_iv, wrap_tk}), s.subspan(kWrapMac, 32)))
            throw InputError("LAUNCH_START: wrap_mac does not verify");
        secret::SecretBytes tek_tik(csv::sm4_ctr(ByteSpan(keys.kek).first(csv::kSm4KeySize), wrap_iv, wrap_tk));
        SimulatedGuest guest;
        guest.policy = in.policy;
        guest.tek = secret::SecretBytes(tek_tik.span().first(16));
        guest.tik = secret::SecretBytes(tek_tik.span().subspan(16, 16));
        if (!equal(csv::session_mac(guest.tik, in.policy, s.subspan(kMsEnc, csv::kMasterSecretFieldSize)),
                   s.subspan(kSessionMac, 32)))
            throw InputError("LAUNCH_START: session_mac does not verify (policy changed after the session was made)");

        // LAUNCH_UPDATE_DATA over what this VM boots now, then LAUNCH_MEASURE.
        if (!spec.firmware) throw InputError("the spec names no firmware to measure");
        const MappedFile firmware(*spec.firmware);
        const sev::FirmwareImage image = sev::FirmwareImage::parse(firmware.bytes(), spec.firmware->string());
        ccvm::csv::LaunchDigestInput digest_in;
        digest_in.firmware = &image;
        digest_in.kernel_hashes_table =
            simulated_kernel_hashes(spec, spec.options<platform::SevOptions>()->kernel_hashes);
        const Sm3Digest ld = ccvm::csv::launch_digest(digest_in);
        const auto mnonce = simulated_mnonce();
        const Sm3Digest m =
            csv::expected_launch_measure(guest.tik, kSimulatedApiMajor, kSimulatedApiMinor, guest.policy, ld, mnonce);
        guest.measurement.assign(m.begin(), m.end());
        append(guest.measurement, mnonce);
        return guest;
    }

    secret::SecretBytes launch_secret(const SimulatedGuest& guest, ByteSpan header,
                                      ByteSpan ciphertext) const override {
        if (header.size() != csv::kSecretHeaderSize) throw InputError("LAUNCH_SECRET: header is not 52 bytes");
        // csv-rs src/session: {flags, iv, mac}; decrypt with SM4-CTR, then check HMAC-SM3 by rebuilding it.
        const std::uint32_t flags = load_le<std::uint32_t>(header, 0, "secret header flags");
        const ByteSpan iv = header.subspan(4, 16);
        secret::SecretBytes data(csv::sm4_ctr(guest.tek, iv, ciphertext));
        const csv::SecretPacket expected = csv::build_secret_packet(
            guest.tek, guest.tik, iv, flags, data, ByteSpan(guest.measurement).first(csv::kLaunchMeasureSize));
        if (!equal(expected.header.mac, header.subspan(20, 32)))
            throw InputError("LAUNCH_SECRET: packet MAC does not verify");
        return data;
    }

private:
    csv::Sm2PrivateKey pdh_ = csv::Sm2PrivateKey::generate();
};

}  // namespace

std::unique_ptr<SimulatedFirmware> make_simulated_csv_firmware() { return std::make_unique<SimulatedCsvFirmware>(); }

}  // namespace ccvm::daemon
