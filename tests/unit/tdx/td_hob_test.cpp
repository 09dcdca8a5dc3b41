// TD HOB bytes against tdx_primitives.json (tdx-td-hob.*), layout per QEMU hw/i386/tdvf-hob.c.
#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/tdx/td_hob.hpp"
#include "tdx_vectors.hpp"

using namespace ccvm;
using namespace ccvm::tdx;

namespace {

std::uint64_t memory_of(const std::string& id) { return std::stoull(id.substr(id.find("mem_0x") + 6), nullptr, 16); }

TdvfSection section(std::uint64_t gpa, std::uint64_t size, SectionType type) {
    TdvfSection s;
    s.memory_address = gpa;
    s.memory_data_size = size;
    s.type = type;
    return s;
}

// Intel TDVF design guide, TDVF metadata: ovmf-inteltdx has the deb12 layout scaled to 4 MiB (image not shipped).
TdvfMetadata inteltdx_layout() {
    TdvfMetadata md;
    md.sections = {section(0xffc84000, 0x37c000, SectionType::bfv),   section(0xffc00000, 0x84000, SectionType::cfv),
                   section(0x810000, 0x10000, SectionType::temp_mem), section(0x80b000, 0x2000, SectionType::temp_mem),
                   section(0x809000, 0x2000, SectionType::td_hob),    section(0x800000, 0x6000, SectionType::temp_mem)};
    return md;
}

TdvfMetadata layout_for(const std::string& id) {
    if (id.find("sid_ovmf-inteltdx") != std::string::npos) return inteltdx_layout();
    const char* tdvf = id.find("debian13") != std::string::npos ? "tdx-tdvf.deb13" : "tdx-tdvf.generic";
    MappedFile f(test::tdx::firmware_path(tdvf));
    return parse_tdvf_metadata(f.bytes());
}

TEST(TdHob, MatchesEveryReferenceHob) {
    int checked = 0;
    for (const auto& p : json::get_array(json::at(test::tdx::primitives(), "primitives"))) {
        const std::string& id = json::get_string(json::at(p, "id"));
        if (id.rfind("tdx-td-hob.", 0) != 0) continue;
        SCOPED_TRACE(id);
        const Bytes hob = build_td_hob(layout_for(id), memory_of(id));
        EXPECT_EQ(to_hex(hob), json::get_string(json::at(p, "input_hex")));
        EXPECT_EQ(to_hex(sha384(hob)), json::get_string(json::at(p, "sha384")));
        ++checked;
    }
    EXPECT_EQ(checked, 10);
}

TEST(TdHob, RamRangesSplitAroundSectionsAndAt2G) {
    // QEMU hw/i386/tdvf-hob.c: RAM >= 0xB0000000 -> [0, 2G) + [4G, 4G + RAM - 2G).
    const auto ranges = td_ram_ranges(inteltdx_layout(), 0xB0000000);
    ASSERT_FALSE(ranges.empty());
    EXPECT_EQ(ranges.back().start, 0x100000000u);
    EXPECT_EQ(ranges.back().length, 0x30000000u);
    EXPECT_FALSE(ranges.back().accepted);
    EXPECT_EQ(ranges.front().start, 0u);
    EXPECT_EQ(ranges.front().length, 0x800000u);
    std::uint64_t accepted = 0;
    for (const RamRange& r : ranges)
        if (r.accepted) accepted += r.length;
    EXPECT_EQ(accepted, 0x10000u + 0x2000 + 0x2000 + 0x6000);
}

TEST(TdHob, SectionOutsideRamIsAnError) { EXPECT_THROW(build_td_hob(inteltdx_layout(), 0x800000), InputError); }

TEST(TdHob, MetadataWithoutHobSectionIsAnError) {
    TdvfMetadata md = inteltdx_layout();
    md.sections.erase(md.sections.begin() + 4);
    EXPECT_THROW(build_td_hob(md, 1ull << 30), InputError);
}

}  // namespace
