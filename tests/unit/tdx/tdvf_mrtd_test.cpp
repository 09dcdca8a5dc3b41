// TDVF metadata parsing and MRTD against tdx_primitives.json (tdx-tdvf.*) and malformed images.
#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/ovmf_footer.hpp"
#include "ccvm/firmware-measure/tdx/mrtd.hpp"
#include "ccvm/firmware-measure/tdx/tdvf_metadata.hpp"
#include "tdx_vectors.hpp"

using namespace ccvm;
using namespace ccvm::tdx;

namespace {

class TdvfImages : public testing::TestWithParam<const char*> {};

TEST_P(TdvfImages, SectionsMrtdAndCfvMatchReference) {
    const json::Value& p = test::tdx::primitive(GetParam());
    MappedFile f(test::tdx::firmware_path(GetParam()));
    EXPECT_EQ(to_hex(sha256(f.bytes())), json::get_string(json::at(p, "file_sha256")));
    const TdvfMetadata md = parse_tdvf_metadata(f.bytes(), f.path().string());
    const auto& want = json::get_array(json::at(p, "sections"));
    ASSERT_EQ(md.sections.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        const TdvfSection& s = md.sections[i];
        SCOPED_TRACE("section " + std::to_string(i));
        EXPECT_EQ(s.data_offset, json::get_u64(want[i].at("data_offset")));
        EXPECT_EQ(s.raw_data_size, json::get_u64(want[i].at("raw_size")));
        EXPECT_EQ(s.memory_address, json::get_u64(want[i].at("gpa")));
        EXPECT_EQ(s.memory_data_size, json::get_u64(want[i].at("mem_size")));
        EXPECT_EQ(static_cast<std::uint64_t>(s.type), json::get_u64(want[i].at("type")));
        EXPECT_EQ(s.attributes, json::get_u64(want[i].at("attributes")));
    }
    EXPECT_EQ(to_hex(compute_mrtd(f.bytes(), md, PageAddOrder::single_pass)),
              json::get_string(json::at(p, "mrtd_single_pass")));
    EXPECT_EQ(to_hex(compute_mrtd(f.bytes(), md, PageAddOrder::two_pass)),
              json::get_string(json::at(p, "mrtd_two_pass")));
    const TdvfSection* cfv = md.find(SectionType::cfv);
    ASSERT_NE(cfv, nullptr);
    EXPECT_EQ(to_hex(sha384(f.bytes().subspan(cfv->data_offset, cfv->raw_data_size))),
              json::get_string(json::at(p, "sha384")));
}

INSTANTIATE_TEST_SUITE_P(Reference, TdvfImages,
                         testing::Values("tdx-tdvf.deb12", "tdx-tdvf.deb13", "tdx-tdvf.generic"));

// Stream layout from Intel TDX module spec, TDH.MEM.PAGE.ADD and TDH.MR.EXTEND: 128-byte PAGE.ADD per page, 16 x (128 +
// 256) per extended page.
TEST(Mrtd, StreamSizeFollowsRecordLayout) {
    MappedFile f(test::tdx::firmware_path("tdx-tdvf.deb13"));
    const TdvfMetadata md = parse_tdvf_metadata(f.bytes());
    std::uint64_t pages = 0, extended = 0;
    for (const TdvfSection& s : md.sections) {
        pages += s.pages();
        if (s.mr_extend()) extended += s.pages();
    }
    MrtdStats st;
    compute_mrtd(f.bytes(), md, PageAddOrder::single_pass, &st);
    EXPECT_EQ(st.page_add_records, pages);
    EXPECT_EQ(st.extend_records, extended * 16);
    EXPECT_EQ(st.stream_bytes, pages * 128 + extended * 16 * 384);
}

TEST(Mrtd, PageAddOrderNames) {
    EXPECT_EQ(parse_page_add_order("single-pass"), PageAddOrder::single_pass);
    EXPECT_EQ(parse_page_add_order("two-pass"), PageAddOrder::two_pass);
    EXPECT_THROW(parse_page_add_order("twopass"), InputError);
}

// A minimal TDVF image: footer table with the TDX metadata offset entry, descriptor at 0x1000.
struct Synthetic {
    Bytes image = Bytes(0x4000);
    static constexpr std::size_t kDesc = 0x1000;

    Synthetic() {
        const std::size_t footer = image.size() - ovmf::kResetVectorSize - ovmf::kEntryTailSize;
        const std::size_t entry_tail = footer - ovmf::kEntryTailSize;
        store_le<std::uint16_t>(image, footer, 18 + 22);
        std::copy(ovmf::kFooterTableGuid.bytes.begin(), ovmf::kFooterTableGuid.bytes.end(), image.begin() + footer + 2);
        store_le<std::uint16_t>(image, entry_tail, 22);
        std::copy(ovmf::kTdxMetadataGuid.bytes.begin(), ovmf::kTdxMetadataGuid.bytes.end(),
                  image.begin() + entry_tail + 2);
        store_le<std::uint32_t>(image, entry_tail - 4, static_cast<std::uint32_t>(image.size() - kDesc));
        set_count(2);
        section(0, 0x2000, 0x1000, 0xfffff000, 0x1000, 0, 1);  // BFV
        section(1, 0, 0, 0x800000, 0x2000, 2, 0);              // TD_HOB
    }
    void set_count(std::uint32_t n) {
        std::copy_n(as_bytes("TDVF").begin(), 4, image.begin() + kDesc);
        store_le<std::uint32_t>(image, kDesc + 4, 16 + 32 * n);
        store_le<std::uint32_t>(image, kDesc + 8, 1);
        store_le<std::uint32_t>(image, kDesc + 12, n);
    }
    void section(std::size_t i, std::uint32_t off, std::uint32_t raw, std::uint64_t gpa, std::uint64_t size,
                 std::uint32_t type, std::uint32_t attr) {
        const std::size_t s = kDesc + 16 + 32 * i;
        store_le<std::uint32_t>(image, s, off);
        store_le<std::uint32_t>(image, s + 4, raw);
        store_le<std::uint64_t>(image, s + 8, gpa);
        store_le<std::uint64_t>(image, s + 16, size);
        store_le<std::uint32_t>(image, s + 24, type);
        store_le<std::uint32_t>(image, s + 28, attr);
    }
};

std::string error_of(const Bytes& image) {
    try {
        parse_tdvf_metadata(image, "test.fd");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

TEST(TdvfMetadata, SyntheticImageParses) {
    Synthetic s;
    const TdvfMetadata md = parse_tdvf_metadata(s.image);
    EXPECT_EQ(md.descriptor_offset, Synthetic::kDesc);
    ASSERT_EQ(md.sections.size(), 2u);
    EXPECT_EQ(md.sections[1].type, SectionType::td_hob);
}

TEST(TdvfMetadata, ImageWithoutMetadataIsRejected) {
    Bytes plain(0x4000);
    EXPECT_NE(error_of(plain).find("no TDX metadata"), std::string::npos);
}

TEST(TdvfMetadata, OffsetOutsideImageIsRejected) {
    Synthetic s;
    const std::size_t entry_tail = s.image.size() - 32 - 18 - 18;
    store_le<std::uint32_t>(s.image, entry_tail - 4, 0x10000);
    EXPECT_NE(error_of(s.image).find("no TDVF descriptor"), std::string::npos);
}

TEST(TdvfMetadata, RawDataPastEndIsRejected) {
    Synthetic s;
    s.section(0, 0x3800, 0x1000, 0xfffff000, 0x1000, 0, 1);
    EXPECT_NE(error_of(s.image).find("runs past the end"), std::string::npos);
}

TEST(TdvfMetadata, OverlappingSectionsAreRejected) {
    Synthetic s;
    s.section(1, 0, 0, 0xfffff000, 0x1000, 3, 0);
    EXPECT_NE(error_of(s.image).find("overlap"), std::string::npos);
}

TEST(TdvfMetadata, UnalignedSectionIsRejected) {
    Synthetic s;
    s.section(1, 0, 0, 0x800800, 0x1000, 2, 0);
    EXPECT_NE(error_of(s.image).find("not 4 KiB aligned"), std::string::npos);
}

TEST(TdvfMetadata, UnknownTypeAndBadRawSizesAreRejected) {
    Synthetic a;
    a.section(1, 0, 0, 0x800000, 0x1000, 7, 0);
    EXPECT_NE(error_of(a.image).find("type 7"), std::string::npos);
    Synthetic b;
    b.section(1, 0x2000, 0x1000, 0x800000, 0x1000, 2, 0);
    EXPECT_NE(error_of(b.image).find("RawDataSize must be 0"), std::string::npos);
    Synthetic c;
    c.section(0, 0x2000, 0x2000, 0xfffff000, 0x1000, 0, 1);
    EXPECT_NE(error_of(c.image).find("smaller than RawDataSize"), std::string::npos);
}

TEST(TdvfMetadata, LengthAndCountAreChecked) {
    Synthetic a;
    a.set_count(1);
    EXPECT_NE(error_of(a.image).find("at least 2"), std::string::npos);
    Synthetic b;
    store_le<std::uint32_t>(b.image, Synthetic::kDesc + 4, 100);
    EXPECT_NE(error_of(b.image).find("does not match"), std::string::npos);
}

}  // namespace
