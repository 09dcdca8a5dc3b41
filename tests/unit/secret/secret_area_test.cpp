// Secret size limits against the firmware's secret area (Linux drivers/virt/coco/efi_secret/efi_secret.c).
#include <gtest/gtest.h>

#include "ccvm/base/error.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/launch-secret/secret_area.hpp"
#include "support/paths.hpp"

using namespace ccvm;
using namespace ccvm::secret;

TEST(SecretArea, AmdSevFixtures) {
    // edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm: AmdSev edk2-stable202405 0x810000/0xC00, 2022 build
    // 0x80C000/0xC00.
    MappedFile a(test::inputs_dir() / "firmware/fixtures/ovmf_AmdSev_suffix.bin");
    SecretArea s = find_secret_area(a.bytes(), "amdsev");
    EXPECT_EQ(s.base, 0x810000u);
    EXPECT_EQ(s.size, 0xC00u);
    MappedFile b(test::inputs_dir() / "firmware/fixtures/sevctl-OVMF.amdsev.fd_trimmed");
    EXPECT_EQ(find_secret_area(b.bytes(), "sevctl").base, 0x80C000u);
}

TEST(SecretArea, GenericOvmfHasNone) {
    MappedFile f(test::inputs_dir() / "firmware/debian12/OVMF.fd");
    try {
        find_secret_area(f.bytes(), "OVMF.fd");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("OVMF.fd"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("secret area"), std::string::npos);
    }
    const Bytes not_ovmf(8192);
    EXPECT_THROW(find_secret_area(not_ovmf, "zeros"), InputError);
}

TEST(SecretArea, OversizedSecretRejected) {
    const SecretArea area{0x810000, 0xC00};
    EXPECT_NO_THROW(check_secret_fits(0xC00, area, "fw"));
    try {
        check_secret_fits(0xC10, area, "fw");
        FAIL();
    } catch (const InputError& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("3088"), std::string::npos) << m;  // table size
        EXPECT_NE(m.find("3072"), std::string::npos) << m;  // area size
    }
    EXPECT_NO_THROW(check_secret_fits(kMaxLaunchSecretSize, std::nullopt));
    EXPECT_THROW(check_secret_fits(kMaxLaunchSecretSize + 16, std::nullopt), InputError);
}
