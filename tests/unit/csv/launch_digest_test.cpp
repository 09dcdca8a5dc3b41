// CSV launch digest model (Hygon QEMU target/i386/csv.c) against csv_model.json / csv_primitives.json.
#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/csv/csv_launch_digest.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "csv_test_support.hpp"

using namespace ccvm;
using ccvm::test::csv::primitive;

namespace {

const json::Value& model_case(const std::string& id) {
    static const json::Value doc = json::parse(read_text_file(test::vectors_dir() / "csv_model.json"));
    for (const auto& c : json::get_array(json::at(doc, "cases")))
        if (json::get_string(json::at(c, "id")) == id) return c;
    throw std::runtime_error("csv_model.json has no case " + id);
}

sev::KernelHashesTable table_for_csv_payload() {
    const MappedFile kernel(test::gen_dir() / "csv-kernel.bin"), initrd(test::gen_dir() / "csv-initrd.bin");
    return sev::build_kernel_hashes_table(kernel.bytes(), initrd.bytes(), std::string_view("console=ttyS0"));
}

}  // namespace

TEST(CsvLaunchDigest, FirmwareOnlyIsSm3OfImage) {
    const MappedFile ovmf(test::inputs_dir() / "firmware/debian12/OVMF_CODE.fd");
    const auto fw = sev::FirmwareImage::parse(ovmf.bytes(), "OVMF_CODE.fd");
    EXPECT_EQ(to_hex(csv::launch_digest({csv::Generation::csv1, &fw, std::nullopt, {}})),
              json::get_string(json::at(json::at(model_case("csv-ld-deb12-OVMF_CODE"), "expect"), "stdout")));
}

TEST(CsvLaunchDigest, KernelHashesTableStaysSha256AndIsAppended) {
    const auto table = table_for_csv_payload();
    const auto& algo = primitive("csv-ld-algorithm-only.0");
    EXPECT_EQ(to_hex(table), json::get_string(json::at(algo, "table_hex")));

    const MappedFile ovmf(test::gen_dir() / "OVMF-deb-amdsev-suffix.fd");
    const auto fw = sev::FirmwareImage::parse(ovmf.bytes(), "amdsev");
    EXPECT_EQ(to_hex(csv::launch_digest({csv::Generation::csv1, &fw, table, {}})),
              json::get_string(json::at(json::at(model_case("csv-ld-amdsev-splice-kia"), "expect"), "stdout")));
}

TEST(CsvLaunchDigest, GenericOvmfRefusesKernelHashes) {
    const MappedFile ovmf(test::inputs_dir() / "firmware/debian12/OVMF.fd");
    const auto fw = sev::FirmwareImage::parse(ovmf.bytes(), "OVMF.fd");
    try {
        (void)csv::launch_digest({csv::Generation::csv1, &fw, table_for_csv_payload(), {}});
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("kernel hashes"), std::string::npos) << e.what();
    }
    // The algorithm-only primitive: SM3 over this image and the table, without the footer rule.
    Hasher h(HashAlgo::sm3);
    EXPECT_EQ(to_hex(h.update(ovmf.bytes()).update(table_for_csv_payload()).finish()),
              json::get_string(json::at(primitive("csv-ld-algorithm-only.0"), "sm3")));
}

TEST(CsvLaunchDigest, RegisterStatePagesExtendCsv2AndCsv3Only) {
    const MappedFile ovmf(test::inputs_dir() / "firmware/debian12/OVMF_CODE.fd");
    const auto fw = sev::FirmwareImage::parse(ovmf.bytes(), "OVMF_CODE.fd");
    Bytes p0(csv::kRegisterStatePageSize, std::byte{0x11}), p1(csv::kRegisterStatePageSize, std::byte{0x22});
    const std::vector<ByteSpan> pages{p0, p1};
    Hasher h(HashAlgo::sm3);
    const Bytes want = h.update(ovmf.bytes()).update(p0).update(p1).finish();
    for (auto gen : {csv::Generation::csv2, csv::Generation::csv3}) {
        const auto d = csv::launch_digest({gen, &fw, std::nullopt, pages});
        EXPECT_EQ(Bytes(d.begin(), d.end()), want);
        const std::vector<ByteSpan> swapped{p1, p0};
        EXPECT_NE(csv::launch_digest({gen, &fw, std::nullopt, swapped}), d);  // vCPU order matters
        EXPECT_THROW(csv::launch_digest({gen, &fw, std::nullopt, {}}), InputError);
    }
    EXPECT_THROW(csv::launch_digest({csv::Generation::csv1, &fw, std::nullopt, pages}), InputError);
    const Bytes short_page(100);
    const std::vector<ByteSpan> bad{short_page};
    EXPECT_THROW(csv::launch_digest({csv::Generation::csv2, &fw, std::nullopt, bad}), InputError);
}
