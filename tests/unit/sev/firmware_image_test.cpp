#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/sev/firmware_image.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "sev_vectors.hpp"

using namespace ccvm;
namespace vec = ccvm::test::sev_vectors;

// Load GPA, SEV metadata, reset EIP, hash-table base and OVMF hash of every firmware primitive.
TEST(FirmwareImage, MatchesReferenceMetadata) {
    int checked = 0;
    for (const auto& p : json::get_array(json::at(vec::doc(), "primitives"))) {
        const std::string& id = json::get_string(json::at(p, "id"));
        if (id.rfind("sev-ovmf-footer.", 0) != 0) continue;
        SCOPED_TRACE(id);
        MappedFile f(vec::file_path(id.substr(std::string("sev-ovmf-footer.").size())));
        ASSERT_EQ(f.size(), json::get_u64(json::at(p, "size")));
        const auto fw = sev::FirmwareImage::parse(f.bytes(), f.path().string());
        EXPECT_EQ(fw.gpa(), json::get_u64(json::at(p, "load_gpa")));
        const auto& want = json::get_array(json::at(p, "sev_metadata"));
        ASSERT_EQ(fw.metadata().size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i) {
            EXPECT_EQ(fw.metadata()[i].gpa, json::get_u64(want[i].at("gpa")));
            EXPECT_EQ(fw.metadata()[i].size, json::get_u64(want[i].at("size")));
            EXPECT_EQ(static_cast<std::uint32_t>(fw.metadata()[i].type), json::get_u64(want[i].at("type_int")));
            EXPECT_EQ(sev::to_string(fw.metadata()[i].type), json::get_string(want[i].at("type")));
        }
        EXPECT_EQ(fw.require_sev_es_reset_eip(), json::get_u64(json::at(p, "sev_es_reset_eip")));
        EXPECT_EQ(fw.hashes_table_gpa().value_or(0), json::get_u64(json::at(p, "sev_hashes_table_gpa")));
        EXPECT_EQ(fw.supports_kernel_hashes(), json::get_bool(json::at(p, "kernel_hashes_supported_sev_es")));
        EXPECT_EQ(vec::hex(sev::snp_ovmf_hash(fw)), json::get_string(json::at(p, "snp_ovmf_hash_sha384_chain")));
        ++checked;
    }
    EXPECT_EQ(checked, 7);
}

namespace {

// A 4 KiB image: footer table with one SEV metadata entry pointing at an ASEV header with `items`.
Bytes image_with_metadata(std::uint32_t version, const std::vector<std::array<std::uint32_t, 3>>& items) {
    Bytes img(4096, std::byte{0});
    const std::size_t meta = 0x100;
    std::copy_n(as_bytes("ASEV").begin(), 4, img.begin() + meta);
    store_le<std::uint32_t>(img, meta + 4, static_cast<std::uint32_t>(16 + 12 * items.size()));
    store_le<std::uint32_t>(img, meta + 8, version);
    store_le<std::uint32_t>(img, meta + 12, static_cast<std::uint32_t>(items.size()));
    for (std::size_t i = 0; i < items.size(); ++i)
        for (std::size_t k = 0; k < 3; ++k) store_le<std::uint32_t>(img, meta + 16 + 12 * i + 4 * k, items[i][k]);
    // Footer: [u32 offset][u16 22][metadata GUID][u16 total][footer GUID] ending 32 bytes before the end.
    const std::size_t end = img.size() - 32;
    const std::size_t footer = end - 18;
    store_le<std::uint16_t>(img, footer, 18 + 22);
    std::copy(ovmf::kFooterTableGuid.bytes.begin(), ovmf::kFooterTableGuid.bytes.end(), img.begin() + footer + 2);
    const std::size_t entry_tail = footer - 18;
    store_le<std::uint16_t>(img, entry_tail, 22);
    std::copy(ovmf::kSevMetadataGuid.bytes.begin(), ovmf::kSevMetadataGuid.bytes.end(), img.begin() + entry_tail + 2);
    store_le<std::uint32_t>(img, entry_tail - 4, static_cast<std::uint32_t>(img.size() - meta));
    return img;
}

std::string error_of(const Bytes& img) {
    try {
        sev::FirmwareImage::parse(img, "test.fd");
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(SevMetadata, ParsesAllSectionTypes) {
    const Bytes img = image_with_metadata(1, {{0x800000, 0x1000, 1},
                                              {0x801000, 0x1000, 2},
                                              {0x802000, 0x1000, 3},
                                              {0x803000, 0x1000, 4},
                                              {0x804000, 0x1000, 0x10}});
    const auto fw = sev::FirmwareImage::parse(img, "test.fd");
    ASSERT_EQ(fw.metadata().size(), 5u);
    EXPECT_EQ(fw.metadata()[3].type, sev::SectionType::svsm_caa);
    EXPECT_TRUE(fw.has_section(sev::SectionType::snp_kernel_hashes));
}

// edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm: unknown types and versions are hard errors that name the value and
// the item index.
TEST(SevMetadata, RejectsUnknownTypeNamingTypeAndIndex) {
    const std::string e = error_of(image_with_metadata(1, {{0x800000, 0x1000, 1}, {0x801000, 0x1000, 5}}));
    EXPECT_NE(e.find("section 1"), std::string::npos) << e;
    EXPECT_NE(e.find("unknown type 0x5"), std::string::npos) << e;
    EXPECT_NE(e.find("test.fd"), std::string::npos) << e;
}

TEST(SevMetadata, RejectsBadVersionAndOverlongItemCount) {
    EXPECT_NE(error_of(image_with_metadata(2, {{0x800000, 0x1000, 1}})).find("version 2"), std::string::npos);
    Bytes img = image_with_metadata(1, {{0x800000, 0x1000, 1}});
    store_le<std::uint32_t>(img, 0x100 + 12, 1000000);  // num_items far past the header length
    EXPECT_NE(error_of(img).find("do not fit"), std::string::npos);
}

TEST(FirmwareImage, ErrorsSayWhatToDo) {
    const Bytes no_footer(8192, std::byte{0});
    const auto fw = sev::FirmwareImage::parse(no_footer, "vars.fd");
    EXPECT_FALSE(fw.sev_es_reset_eip().has_value());
    try {
        fw.require_sev_es_reset_eip();
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("SEV_ES_RESET_BLOCK_GUID"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("vars.fd"), std::string::npos);
    }
    const Bytes odd(4097, std::byte{0});
    EXPECT_THROW(sev::FirmwareImage::parse(odd, "odd.fd").require_page_aligned(), InputError);
}
