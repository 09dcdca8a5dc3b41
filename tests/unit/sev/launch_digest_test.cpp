#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <optional>

#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "ccvm/firmware-measure/sev/vcpu_types.hpp"
#include "sev_vectors.hpp"

using namespace ccvm;

namespace {

std::uint32_t sig_of(const std::map<std::string, std::string>& f) {
    if (f.count("--vcpu-family"))
        return sev::cpu_sig(std::stoul(f.at("--vcpu-family")), std::stoul(f.at("--vcpu-model")),
                            std::stoul(f.at("--vcpu-stepping")));
    if (f.count("--vcpu-sig")) return static_cast<std::uint32_t>(std::stoul(f.at("--vcpu-sig"), nullptr, 0));
    if (f.count("--vcpu-type")) return *sev::vcpu_sig_for_type(f.at("--vcpu-type"));
    return 0;
}

// Computes one sev_measure.json case through the library API (not the CLI).
std::string library_digest(const std::map<std::string, std::string>& f) {
    const std::string mode = f.at("--mode");
    MappedFile ovmf(test::substitute(f.at("--ovmf")));
    const auto fw = sev::FirmwareImage::parse(ovmf.bytes(), "ovmf");
    std::optional<sev::KernelHashesTable> table;
    if (f.count("--kernel")) {
        MappedFile kernel(test::substitute(f.at("--kernel")));
        std::optional<MappedFile> initrd;
        if (f.count("--initrd")) initrd.emplace(test::substitute(f.at("--initrd")));
        std::optional<std::string_view> append;
        if (f.count("--append")) append = f.at("--append");
        table = sev::build_kernel_hashes_table(
            kernel.bytes(), initrd ? std::optional<ByteSpan>(initrd->bytes()) : std::nullopt, append);
    }
    sev::VmsaParams params;
    params.vcpu_sig = sig_of(f);
    if (f.count("--vmm-type")) params.vmm = sev::parse_vmm_type(f.at("--vmm-type"));
    params.sev_features = f.count("--guest-features") ? std::stoull(f.at("--guest-features"), nullptr, 0) : 1;
    const unsigned vcpus = f.count("--vcpus") ? static_cast<unsigned>(std::stoul(f.at("--vcpus"))) : 0;
    std::string out;
    if (mode == "sev") return to_hex(sev::sev_launch_digest(fw, table));
    if (mode == "seves") return to_hex(sev::seves_launch_digest(fw, table, vcpus, params));
    if (mode == "snp:ovmf-hash") return to_hex(sev::snp_ovmf_hash(fw));
    if (mode == "snp") {
        sev::SnpInputs in{std::nullopt, table, params.vmm};
        if (f.count("--snp-ovmf-hash")) {
            const Bytes h = from_hex(f.at("--snp-ovmf-hash"));
            in.ovmf_hash.emplace();
            std::copy(h.begin(), h.end(), in.ovmf_hash->begin());
        }
        return to_hex(sev::snp_launch_digest(fw, in, vcpus, params));
    }
    MappedFile svsm_file(test::substitute(f.at("--svsm")));
    const std::uint64_t vars = f.count("--vars-size")
                                   ? std::stoull(f.at("--vars-size"))
                                   : std::filesystem::file_size(test::substitute(f.at("--vars-file")));
    const auto svsm = sev::FirmwareImage::parse(svsm_file.bytes(), "svsm", fw.gpa() - vars);
    return to_hex(sev::svsm_launch_digest(fw, svsm, vcpus, params.vcpu_sig));
}

}  // namespace

// Every successful hex case of sev_measure.json, recomputed with the typed library API.
TEST(LaunchDigest, LibraryReproducesEveryCase) {
    const auto doc = json::parse(read_text_file(test::vectors_dir() / "sev_measure.json"));
    int checked = 0;
    for (const auto& c : json::get_array(json::at(doc, "cases"))) {
        if (!json::at(c, "exit_code").is_number() || json::get_i64(json::at(c, "exit_code")) != 0) continue;
        std::map<std::string, std::string> flags;
        const auto& argv = json::get_array(json::at(c, "argv"));
        for (std::size_t i = 1; i + 1 < argv.size(); i += 2)
            flags[json::get_string(argv[i])] = json::get_string(argv[i + 1]);
        if (flags.count("--output-format")) continue;
        SCOPED_TRACE(json::get_string(json::at(c, "id")));
        EXPECT_EQ(library_digest(flags), json::get_string(json::at(json::at(c, "expect"), "stdout")));
        ++checked;
    }
    EXPECT_GE(checked, 60);
}

// AMD SEV API spec (pub. 55766) LAUNCH_UPDATE_VMSA invariants: SEV-ES ignores guest features; one pass gives every vCPU
// count.
TEST(LaunchDigest, SevEsSweepMatchesSingleRuns) {
    MappedFile ovmf(test::substitute("@inputs/firmware/debian12/OVMF.fd"));
    const auto fw = sev::FirmwareImage::parse(ovmf.bytes(), "OVMF.fd");
    sev::VmsaParams p{0x21, 0x800F12, sev::VmmType::qemu, sev::VmsaProfile::modern};
    const auto all = sev::seves_launch_digests(fw, std::nullopt, 5, p);
    ASSERT_EQ(all.size(), 5u);
    p.sev_features = 0x1;
    for (unsigned n = 1; n <= 5; ++n) EXPECT_EQ(all[n - 1], sev::seves_launch_digest(fw, std::nullopt, n, p));
}

// AMD SEV API spec (pub. 55766) LAUNCH_UPDATE_DATA: SEV with a kernel needs a firmware with a non-zero hash-table base.
TEST(LaunchDigest, SevKernelOnGenericOvmfNamesTheFix) {
    MappedFile ovmf(test::substitute("@inputs/firmware/debian12/OVMF.fd"));
    const Bytes kernel(10, std::byte{1});
    try {
        sev::sev_launch_digest(ovmf.bytes(), ByteSpan(kernel), std::nullopt, std::nullopt);
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("AmdSevX64"), std::string::npos) << e.what();
    }
    // Without a kernel the SEV digest is the firmware's SHA-256.
    EXPECT_EQ(sev::sev_launch_digest(ovmf.bytes(), std::nullopt, std::nullopt, std::nullopt), sha256(ovmf.bytes()));
}
