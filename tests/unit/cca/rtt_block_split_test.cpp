#include <gtest/gtest.h>

#include "cca_test_support.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/firmware-measure/cca/plan.hpp"
#include "ccvm/firmware-measure/cca/realm.hpp"
#include "ccvm/firmware-measure/cca/ripas_descriptor.hpp"
#include "ccvm/firmware-measure/cca/rtt_block_split.hpp"

using namespace ccvm;
using namespace ccvm::cca;

namespace {
constexpr std::uint64_t K4 = 4096, M2 = 2ull << 20, G1 = 1ull << 30, G512 = 512ull << 30;

// The vector notes quote the runs as "...: [[\"0x..\", \"0x..\", \"0x..\", n], ...]".
std::vector<RipasRun> runs_from_note(const std::string& note) {
    const std::size_t at = note.find("[[");
    if (at == std::string::npos) throw std::runtime_error("no runs in note: " + note);
    std::vector<RipasRun> runs;
    const json::Value doc = json::parse(note.substr(at));
    for (const json::Value& r : json::get_array(doc)) {
        const json::Value::array_t& a = json::get_array(r);
        runs.push_back({json::get_u64(a[0]), json::get_u64(a[1]), json::get_u64(a[2]), json::get_u64(a[3])});
    }
    return runs;
}
}  // namespace

// Arm RMM spec (DEN0137), RMI_RTT_INIT_RIPAS: block sizes by s2sz with KVM's concatenated starting level.
TEST(CcaRttBlockSplit, KvmBlockSizesByS2sz) {
    const std::vector<std::uint64_t> four{G512, G1, M2, K4}, three{G1, M2, K4}, two{M2, K4}, one{K4};
    for (unsigned s2sz : {44u, 48u, 52u}) EXPECT_EQ(KvmBlockSplit(s2sz).block_sizes(), four) << s2sz;
    for (unsigned s2sz : {35u, 39u, 41u, 43u}) EXPECT_EQ(KvmBlockSplit(s2sz).block_sizes(), three) << s2sz;
    for (unsigned s2sz : {26u, 33u, 34u}) EXPECT_EQ(KvmBlockSplit(s2sz).block_sizes(), two) << s2sz;
    for (unsigned s2sz : {20u, 25u}) EXPECT_EQ(KvmBlockSplit(s2sz).block_sizes(), one) << s2sz;
}

// Arm RMM spec (DEN0137), RMI_RTT_INIT_RIPAS: [0x40001000, 0x100201000) -> 511x4K, 511x2M, 2x1G, 1x2M, 1x4K.
TEST(CcaRttBlockSplit, SpecExample) {
    const auto entries = split_ripas_range(KvmBlockSplit(48), 0x40001000, 0x100201000);
    const std::vector<RipasRun> want{{0x40001000, 0x40200000, K4, 511},
                                     {0x40200000, 0x80000000, M2, 511},
                                     {0x80000000, 0x100000000, G1, 2},
                                     {0x100000000, 0x100200000, M2, 1},
                                     {0x100200000, 0x100201000, K4, 1}};
    EXPECT_EQ(ripas_runs(entries), want);
    EXPECT_EQ(entries.size(), 511u + 511 + 2 + 1 + 1);
}

// Every low-level vector that quotes its RIPAS runs.
TEST(CcaRttBlockSplit, RunsQuotedByVectors) {
    int checked = 0;
    for (const char* name : {"ll03_ripas_split_s2sz48", "ll04_ripas_split_s2sz33", "ll06_data_rec_unmeasured"}) {
        const Plan plan = load_plan(test::cca_plan_path(name));
        const auto& ripas = std::get<InitRipasOp>(plan.ops.at(0));
        const std::string note =
            json::get_string(json::at(test::cca_case("cca_rim", std::string("cca-plan-") + name), "note"));
        EXPECT_EQ(ripas_runs(split_ripas_range(KvmBlockSplit(plan.realm_params.s2sz), ripas.base, ripas.top)),
                  runs_from_note(note))
            << name;
        ++checked;
    }
    EXPECT_EQ(checked, 3);
}

TEST(CcaRttBlockSplit, RejectsUnalignedOrEmptyRanges) {
    KvmBlockSplit kvm(39);
    EXPECT_THROW(split_ripas_range(kvm, 0x1000, 0x1000), InputError);
    EXPECT_THROW(split_ripas_range(kvm, 0x1800, 0x4000), InputError);
    EXPECT_THROW(split_ripas_range(kvm, 0x1000, 0x4800), InputError);
}

namespace {
// A host that maps everything with 4 KiB pages.
struct PageOnly final : RttBlockSplitPolicy {
    std::uint64_t entry_size(std::uint64_t, std::uint64_t) const override { return K4; }
};
struct Broken final : RttBlockSplitPolicy {
    std::uint64_t entry_size(std::uint64_t, std::uint64_t top) const override { return top; }
};
}  // namespace

// The policy is replaceable and decides the number of descriptors, hence the RIM.
TEST(CcaRttBlockSplit, PolicyIsReplaceable) {
    RealmParams p;
    p.s2sz = 40;
    p.num_bps = 1;
    p.num_wps = 1;
    RealmOptions kvm_opts;
    Realm kvm(p, kvm_opts);
    RealmOptions page_opts;
    page_opts.block_split = std::make_shared<PageOnly>();
    Realm pages(p, page_opts);
    kvm.init_ripas(0x80000000, 0x80400000);
    pages.init_ripas(0x80000000, 0x80400000);
    EXPECT_NE(kvm.rim(), pages.rim());

    // Independent recomputation of the 4 KiB-only chain: 1024 RIPAS descriptors.
    Realm start(p);
    MeasurementSlot rim{};
    const Bytes rim0 = start.rim();
    std::copy(rim0.begin(), rim0.end(), rim.begin());
    for (std::uint64_t a = 0x80000000; a < 0x80400000; a += K4) {
        const auto d = ripas_descriptor(rim, a, a + K4);
        const auto h = sha256(d);
        rim.fill(std::byte{0});
        std::copy(h.begin(), h.end(), rim.begin());
    }
    EXPECT_EQ(pages.rim(), Bytes(rim.begin(), rim.begin() + 32));

    EXPECT_THROW(split_ripas_range(Broken(), 0x80001000, 0x80400000), SystemError);
}
