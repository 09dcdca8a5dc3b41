// The simulated AMD and Hygon secure processors against the guest owner's side (the pre-attestation
// schemes): what the firmware accepts, and that it refuses every session or packet that was changed.
#include <gtest/gtest.h>

#include <filesystem>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/launch-secret/secret_table.hpp"
#include "ccvm/platform/measure_spec.hpp"
#include "ccvm/platform/vm_spec.hpp"
#include "launch_backends/pre_attestation.hpp"
#include "launch_backends/simulated_firmware.hpp"

namespace fs = std::filesystem;

namespace ccvm::daemon {
namespace {

const fs::path kOvmf = "/usr/share/OVMF/OVMF_CODE_4M.fd";

struct Case {
    const char* tee;
    std::unique_ptr<SimulatedFirmware> (*firmware)();
    const PreAttestation& (*scheme)();
};

class SimulatedFirmwareTest : public ::testing::TestWithParam<Case> {
protected:
    void SetUp() override {
        if (!fs::exists(kOvmf)) GTEST_SKIP() << kOvmf << " missing";
        fw_ = GetParam().firmware();
        spec_ = platform::parse_vm_spec(std::string("name: fw\ntee:\n  type: ") + GetParam().tee +
                                            "\n  policy: 0x1\nmemory: 512M\nfirmware: " + kOvmf.string() + "\n",
                                        "fw.yaml");
        const Bytes raw = platform::measure_spec(spec_).registers.values.at("launch_digest");
        ASSERT_EQ(raw.size(), digest_.size());
        std::copy(raw.begin(), raw.end(), digest_.begin());
    }

    const PreAttestation& scheme() const { return GetParam().scheme(); }
    LaunchStartInput input(const PreAttestation::Session& s, std::uint32_t policy = 0x1) const {
        return {policy, s.dh_cert, s.blob};
    }
    static LaunchReport report(const SimulatedGuest& g) {
        return {g.measurement, kSimulatedApiMajor, kSimulatedApiMinor, kSimulatedBuildId, g.policy};
    }

    std::unique_ptr<SimulatedFirmware> fw_;
    platform::VmSpec spec_;
    Sha256Digest digest_{};
};

TEST_P(SimulatedFirmwareTest, MeasuresWhatTheOwnerExpectsAndTakesItsPacket) {
    const PreAttestation::Session s = scheme().create_session(fw_->pdh(), 0x1);
    const SimulatedGuest g = fw_->launch(input(s), spec_);
    ASSERT_EQ(g.measurement.size(), 48u);
    EXPECT_TRUE(scheme().measurement_matches(s.tik, report(g), digest_));
    Sha256Digest other = digest_;
    other[0] ^= std::byte{1};
    EXPECT_FALSE(scheme().measurement_matches(s.tik, report(g), other));

    std::vector<secret::SecretEntry> entries;
    entries.push_back(
        {Guid::parse("736869e5-84f0-4973-92ec-06879ce3da0b"), secret::SecretBytes(as_bytes(std::string_view("k")))});
    const secret::SecretBytes table = secret::build_secret_table(entries, secret::Padding::libvirt);
    const PreAttestation::Packet p = scheme().build_packet(s.tek, s.tik, report(g), table);
    const secret::SecretBytes got = fw_->launch_secret(g, p.header, p.ciphertext);
    EXPECT_EQ(Bytes(got.span().begin(), got.span().end()), Bytes(table.span().begin(), table.span().end()));

    Bytes ct = p.ciphertext;
    ct.back() ^= std::byte{1};
    EXPECT_THROW(fw_->launch_secret(g, p.header, ct), InputError);
    Bytes header = p.header;
    header.back() ^= std::byte{1};  // the MAC
    EXPECT_THROW(fw_->launch_secret(g, header, p.ciphertext), InputError);
    // A packet for another launch of the same VM (other MEASURE) is refused too.
    const SimulatedGuest again = fw_->launch(input(s), spec_);
    EXPECT_THROW(fw_->launch_secret(again, p.header, p.ciphertext), InputError);
}

TEST_P(SimulatedFirmwareTest, RefusesChangedSessions) {
    const PreAttestation::Session s = scheme().create_session(fw_->pdh(), 0x1);
    // The policy is bound by POLICY_MAC (SEV) / session_mac (CSV).
    EXPECT_THROW(fw_->launch(input(s, 0x3), spec_), InputError);
    // A session made for another platform's PDH.
    const auto other = GetParam().firmware();
    EXPECT_THROW(fw_->launch(input(scheme().create_session(other->pdh(), 0x1)), spec_), InputError);
    // Any changed byte of the wrapped keys or their MAC.
    for (std::size_t at : {std::size_t{0x10}, std::size_t{0x40}}) {
        PreAttestation::Session bad{s.dh_cert, s.blob, s.tek.clone(), s.tik.clone()};
        bad.blob[at] ^= std::byte{1};
        EXPECT_THROW(fw_->launch(input(bad), spec_), InputError) << at;
    }
    EXPECT_THROW(fw_->launch({0x1, s.dh_cert, Bytes(s.blob.begin(), s.blob.end() - 1)}, spec_), InputError);
}

INSTANTIATE_TEST_SUITE_P(Firmware, SimulatedFirmwareTest,
                         ::testing::Values(Case{"sev", make_simulated_sev_firmware, sev_pre_attestation},
                                           Case{"csv", make_simulated_csv_firmware, csv_pre_attestation}),
                         [](const auto& p) { return std::string(p.param.tee); });

TEST(SimulatedCsvFirmware, SessionMustBeSignedByTheOwnerCertificate) {
    if (!fs::exists(kOvmf)) GTEST_SKIP() << kOvmf << " missing";
    const auto fw = make_simulated_csv_firmware();
    const platform::VmSpec spec = platform::parse_vm_spec(
        "name: fw\ntee:\n  type: csv\n  policy: 0x1\nmemory: 512M\nfirmware: " + kOvmf.string() + "\n", "fw.yaml");
    PreAttestation::Session s = csv_pre_attestation().create_session(fw->pdh(), 0x1);
    // vm_id (body offset 612) is covered by no MAC, only by the owner's SM2 signature (csv-rs src/session).
    s.blob[612] ^= std::byte{1};
    try {
        fw->launch({0x1, s.dh_cert, s.blob}, spec);
        FAIL() << "a changed session body must not verify";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("SM2 signature does not verify"), std::string::npos) << e.what();
    }
}

TEST(SimulatedCsvFirmware, MeasuresCsv1Only) {
    if (!fs::exists(kOvmf)) GTEST_SKIP() << kOvmf << " missing";
    const auto fw = make_simulated_csv_firmware();
    const platform::VmSpec spec = platform::parse_vm_spec(
        "name: fw\ntee:\n  type: csv3\n  policy: 0x45\nmemory: 512M\nfirmware: " + kOvmf.string() + "\n", "fw.yaml");
    const PreAttestation::Session s = csv_pre_attestation().create_session(fw->pdh(), 0x45);
    try {
        fw->launch({0x45, s.dh_cert, s.blob}, spec);
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("CSV1 guests only"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace ccvm::daemon
