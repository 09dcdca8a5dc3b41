// The split between the ccvm executable and its VM client module (cli/src/vm/vm_request.hpp):
// offline commands start without the D-Bus libraries, a VM command finds the module relative to the
// real executable, and a missing module is one clear line with exit code 3.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "support/paths.hpp"
#include "support/process.hpp"
#include "unit/secret/secret_test_util.hpp"

namespace ccvm::test {
namespace {

namespace fs = std::filesystem;

// No bus at this address: a VM command that got as far as the module fails on connecting.
const std::map<std::string, std::string> kNoBus = {{"DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/ccvm-test-bus"}};
constexpr const char* kNotReachable =
    "ccvm: error: ccvmd is not reachable on the system bus: cannot connect to the bus (";

// Everything the dynamic loader maps to start ccvm (ld.so lists it instead of running the program).
std::string loaded_libraries() {
    const ProcessResult r = run_process({ccvm_cli().string(), "--version"}, {{"LD_TRACE_LOADED_OBJECTS", "1"}});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
}

TEST(VmModule, OfflineCommandsStartWithoutTheDbusLibraries) {
    const std::string libs = loaded_libraries();
    EXPECT_NE(libs.find("libcrypto.so"), std::string::npos) << libs;
    for (const char* absent : {"libsdbus-c++", "libsystemd", "libgcrypt", "liblzma", "libzstd", "liblz4", "libcap"})
        EXPECT_EQ(libs.find(absent), std::string::npos) << absent << " is loaded at start-up:\n" << libs;
}

TEST(VmModule, BuiltModuleIsFoundFromTheBuildTree) {
    const ProcessResult r = run_process({ccvm_cli().string(), "list"}, kNoBus);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(r.err.starts_with(kNotReachable)) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST(VmModule, SymlinkToTheExecutableFindsItsModule) {
    TempDir dir;
    const fs::path link = dir / "ccvm";
    fs::create_symlink(ccvm_cli(), link);
    const ProcessResult r = run_process({link.string(), "list"}, kNoBus);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(r.err.starts_with(kNotReachable)) << r.err;
}

TEST(VmModule, MissingModuleIsOneLineNamingItsPath) {
    TempDir dir;
    fs::create_directories(dir / "bin");
    const fs::path exe = dir / "bin/ccvm";
    fs::copy_file(ccvm_cli(), exe);
    // Where a copy of ccvm looks: the same place relative to itself as the built one.
    const fs::path rel = fs::relative(fs::path(CCVM_VM_CLIENT).parent_path(), ccvm_cli().parent_path());
    const fs::path expected = (exe.parent_path() / rel / "ccvm-vm-client.so").lexically_normal();

    const ProcessResult r = run_process({exe.string(), "list"}, kNoBus);
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_TRUE(r.err.starts_with("ccvm: error: cannot load the VM client module " + expected.string() + ": "))
        << r.err;
    EXPECT_NE(r.err.find("No such file or directory"), std::string::npos) << r.err;
    EXPECT_TRUE(r.err.ends_with(" (VM commands need it; is ccvm installed completely?)\n")) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << r.err;
    EXPECT_EQ(r.out, "");

    // Offline commands, and usage errors of the VM commands, do not need it.
    const ProcessResult version = run_process({exe.string(), "--version"});
    EXPECT_EQ(version.exit_code, 0) << version.err;
    EXPECT_EQ(version.out, "ccvm 0.1.0\n");
    const ProcessResult attest = run_process({exe.string(), "attest"});
    EXPECT_EQ(attest.exit_code, 2);
    EXPECT_EQ(attest.err, "ccvm: error: attest: give a VM NAME, or a subcommand (verify-report, ...)\n");
    const ProcessResult no_name = run_process({exe.string(), "status"});
    EXPECT_EQ(no_name.exit_code, 2);
    EXPECT_EQ(no_name.err, "ccvm: error: NAME is required\n");
}

}  // namespace
}  // namespace ccvm::test
