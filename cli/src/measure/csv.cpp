// `ccvm measure --mode csv|csv2|csv3`: the Hygon CSV launch digest (Hygon QEMU target/i386/csv.c). A model, not
// validated on Hygon hardware; JSON output says so with "validated": false.
#include <iostream>
#include <optional>
#include <vector>

#include "args.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/csv/csv_launch_digest.hpp"
#include "measure/csv.hpp"

namespace ccvm::cli {
namespace {

csv::Generation parse_generation(const std::string& mode) {
    if (mode == "csv2") return csv::Generation::csv2;
    if (mode == "csv3") return csv::Generation::csv3;
    return csv::Generation::csv1;  // the family table routes only csv, csv2, csv3 here
}

void check_flags(const MeasureArgs& a) {
    if (!a.ovmf) throw InputError("--ovmf is required in mode '" + *a.mode + "'");
    if (a.initrd && !a.kernel) throw InputError("--kernel required when using --initrd");
    if (a.append && !a.append->empty() && !a.kernel) throw InputError("--kernel required when using --append");
    if (a.output_format != "hex" && a.output_format != "base64" && a.output_format != "json")
        throw InputError("--output-format: unknown format '" + a.output_format + "' (known: hex, base64, json)");
    if (a.vcpus && !a.vmsa_files.empty()) {
        const std::uint64_t n = parse_uint(*a.vcpus, "--vcpus");
        if (n != a.vmsa_files.size())
            throw InputError("--vcpus " + *a.vcpus + " but " + std::to_string(a.vmsa_files.size()) +
                             " --vmsa-file given: the digest takes one register-state page per vCPU");
    }
}

}  // namespace

int run_csv_measure(const MeasureArgs& a) {
    check_flags(a);
    const csv::Generation gen = parse_generation(*a.mode);
    const MappedFile ovmf(*a.ovmf);
    const auto firmware = sev::FirmwareImage::parse(ovmf.bytes(), *a.ovmf);

    std::optional<sev::KernelHashesTable> table;
    if (a.kernel) {
        const MappedFile kernel(*a.kernel);
        std::optional<MappedFile> initrd;
        if (a.initrd) initrd.emplace(*a.initrd);
        std::optional<std::string_view> append;
        if (a.append) append = *a.append;
        table = sev::build_kernel_hashes_table(
            kernel.bytes(), initrd ? std::optional<ByteSpan>(initrd->bytes()) : std::nullopt, append);
    }
    std::vector<MappedFile> vmsa_files;
    std::vector<ByteSpan> pages;
    for (const auto& path : a.vmsa_files) pages.push_back(vmsa_files.emplace_back(path).bytes());

    const Sm3Digest digest = csv::launch_digest({gen, &firmware, table, pages});
    if (a.output_format == "hex") {
        std::cout << to_hex(digest) << "\n";
    } else if (a.output_format == "base64") {
        std::cout << to_base64(digest) << "\n";
    } else {
        json::Value out = json::Value::object(
            {{"mode", *a.mode},
             {"digest", to_hex(digest)},
             {"hash_algo", "sm3"},
             {"validated", false},
             {"note", "model from code reading (Hygon QEMU target/i386/csv.c); not validated on Hygon hardware"}});
        if (table) out["kernel_hashes_table"] = to_hex(*table);
        if (!pages.empty()) out["register_state_pages"] = static_cast<unsigned long long>(pages.size());
        std::cout << json::dump(out, true) << "\n";
    }
    return 0;
}

}  // namespace ccvm::cli
