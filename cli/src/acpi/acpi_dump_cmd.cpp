// `ccvm acpi dump`: the three QEMU ACPI fw_cfg files RTMR0 measures, read from the local QEMU
// started paused under qtest, without booting a guest (tdx.md §5.2 capture method).

#include <filesystem>
#include <iostream>
#include <memory>

#include "acpi/fw_cfg.hpp"
#include "acpi/qtest_session.hpp"
#include "args.hpp"
#include "ccvm/base/atomic_file.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/tdx/acpi_blobs.hpp"
#include "commands.hpp"

namespace ccvm::cli {
namespace {

// tdx.md §5.2 trap 1: q35 MCH config space (00:00.0) PCIEXBAR, programmed as OVMF does, so that
// QEMU's ACPI build includes MCFG.
constexpr std::uint16_t kPciConfigAddress = 0xcf8;
constexpr std::uint16_t kPciConfigData = 0xcfc;
constexpr std::uint32_t kPciexbarLow = 0x80000060;
constexpr std::uint32_t kPciexbarHigh = 0x80000064;
constexpr std::uint32_t kPciexbarValue = 0xB0000001;  // base 0xB0000000, 256 buses, enabled

struct DumpArgs {
    std::string memory;
    std::string vcpus;
    std::string machine_opts = "q35,smm=off,hpet=off,pic=off";
    std::string qemu = "qemu-system-x86_64";
    std::vector<std::string> qemu_args;
    std::string out;
};

const FwCfgFile& find_file(const std::vector<FwCfgFile>& files, const std::string& name) {
    for (const FwCfgFile& f : files)
        if (f.name == name) return f;
    throw SystemError("QEMU's fw_cfg has no file " + name);
}

int run_dump(const DumpArgs& a) {
    const std::uint64_t memory = parse_size(a.memory, "--memory");
    const std::uint64_t vcpus = parse_uint(a.vcpus, "--vcpus");
    if (memory < (16u << 20)) throw InputError("--memory: at least 16M is needed");
    if (vcpus == 0) throw InputError("--vcpus: must be at least 1");
    std::error_code ec;
    std::filesystem::create_directories(a.out, ec);
    if (ec) throw SystemError("--out " + a.out + ": " + ec.message());

    std::vector<std::string> argv{a.qemu,
                                  "-machine",
                                  a.machine_opts,
                                  "-m",
                                  std::to_string(memory >> 20) + "M",
                                  "-smp",
                                  std::to_string(vcpus),
                                  "-S",
                                  "-display",
                                  "none",
                                  "-monitor",
                                  "none",
                                  "-serial",
                                  "none",
                                  "-parallel",
                                  "none",
                                  "-nodefaults"};
    argv.insert(argv.end(), a.qemu_args.begin(), a.qemu_args.end());
    QtestSession qemu(argv);
    qemu.outl(kPciConfigAddress, kPciexbarHigh);
    qemu.outl(kPciConfigData, 0);
    qemu.outl(kPciConfigAddress, kPciexbarLow);
    qemu.outl(kPciConfigData, kPciexbarValue);

    FwCfg fw_cfg(qemu);
    const std::string loader_name(tdx::kTableLoaderName);
    // The first selection of an ACPI file makes QEMU rebuild the tables; sizes are read after it.
    (void)fw_cfg.read(find_file(fw_cfg.files(), loader_name).select, 0);
    const std::vector<FwCfgFile> files = fw_cfg.files();
    const FwCfgFile& loader_file = find_file(files, loader_name);
    const Bytes loader = fw_cfg.read(loader_file.select, loader_file.size);
    std::vector<std::pair<std::string, Bytes>> blobs{{loader_name, loader}};
    for (const std::string& name : tdx::loader_allocations(loader, "QEMU etc/table-loader")) {
        const FwCfgFile& f = find_file(files, name);
        blobs.emplace_back(name, fw_cfg.read(f.select, f.size));
    }
    for (const auto& [name, data] : blobs) {
        const std::filesystem::path path = std::filesystem::path(a.out) / tdx::acpi_file_name(name);
        // A failed dump never leaves a half-written file behind.
        write_file_atomic(path, ByteSpan(data), 0644);
        std::cout << path.string() << " " << data.size() << " bytes sha384 " << to_hex(sha384(data)) << "\n";
    }
    return 0;
}

}  // namespace

void add_acpi_command(CLI::App& app, Commands& commands) {
    auto args = std::make_shared<DumpArgs>();
    CLI::App* acpi = ensure_subcommand(app, "acpi", "QEMU ACPI tables as the firmware receives them");
    CLI::App* d = acpi->add_subcommand("dump", "Dump etc/table-loader, etc/acpi/rsdp, etc/acpi/tables from local QEMU");
    d->add_option("--memory", args->memory, "Guest memory (bytes or K/M/G)")->required();
    d->add_option("--vcpus", args->vcpus, "Number of vCPUs")->required();
    d->add_option("--machine-opts", args->machine_opts, "QEMU -machine value (default q35,smm=off,hpet=off,pic=off)");
    d->add_option("--qemu", args->qemu, "QEMU binary (default qemu-system-x86_64)");
    d->add_option("--qemu-arg", args->qemu_args, "Extra QEMU argument, e.g. a -device (repeatable)")
        ->allow_extra_args(false);
    d->add_option("--out", args->out, "Directory for the dumped files (for measure --acpi-dir)")->required();
    commands.add(d, [args] { return run_dump(*args); });
}

}  // namespace ccvm::cli
