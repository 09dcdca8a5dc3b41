#include <gtest/gtest.h>

#include "ccvm/firmware-measure/sev/vcpu_types.hpp"
#include "sev_vectors.hpp"

using namespace ccvm;
namespace vec = ccvm::test::sev_vectors;

TEST(VcpuTypes, MatchReferenceSignatures) {
    const auto& sigs = json::get_object(json::at(vec::primitive("sev-vcpu-signatures"), "signatures"));
    EXPECT_EQ(sigs.size(), sev::vcpu_types().size());
    for (const auto& [name, sig] : sigs) {
        auto got = sev::vcpu_sig_for_type(name);
        ASSERT_TRUE(got.has_value()) << name;
        EXPECT_EQ(*got, json::get_u64(sig)) << name;
    }
    EXPECT_FALSE(sev::vcpu_sig_for_type("EPYC-Bergamo").has_value());
}

// AMD64 APM vol. 2 Table B-4, VMSA layout invariants and the spec's own table.
TEST(VcpuTypes, SignatureFormula) {
    EXPECT_EQ(sev::cpu_sig(23, 1, 2), 0x800F12u);
    EXPECT_EQ(sev::cpu_sig(23, 49, 0), 0x830F10u);
    EXPECT_EQ(sev::cpu_sig(25, 1, 1), 0xA00F11u);
    EXPECT_EQ(sev::cpu_sig(25, 17, 0), 0xA10F10u);
    EXPECT_EQ(sev::cpu_sig(26, 0, 0), 0xB00F00u);
    EXPECT_EQ(sev::cpu_sig(25, 17, 1), 0xA10F11u);  // Genoa B1 (vector case note)
    EXPECT_EQ(sev::cpu_sig(0, 0, 0), 0u);           // `-cpu host` baselines
    EXPECT_EQ(sev::cpu_sig(6, 0x55, 7), 0x50657u);  // family <= 0xF keeps the base field
    EXPECT_EQ(sev::vcpu_sig_for_type("EPYC"), sev::vcpu_sig_for_type("EPYC-v4"));
    EXPECT_EQ(sev::vcpu_sig_for_type("EPYC-Rome"), sev::vcpu_sig_for_type("EPYC-Rome-v3"));
}

TEST(VcpuTypes, KnownListNamesEveryType) {
    const std::string known = sev::known_vcpu_types();
    for (const auto& t : sev::vcpu_types()) EXPECT_NE(known.find(t.name), std::string::npos) << t.name;
}
