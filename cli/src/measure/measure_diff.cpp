// `ccvm measure diff A B`: names the first step where two saved measurements (traces or JSON outputs)
// diverge, so a user whose report does not match can see which input differs.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "commands.hpp"
#include "measure/sev_trace_io.hpp"
#include "measure/tdx_trace.hpp"

namespace ccvm::cli {
namespace {

std::string describe(const sev::MeasureStep& s) {
    std::string out = s.type;
    if (s.gpa) {
        char buf[32];
        std::snprintf(buf, sizeof buf, " at GPA 0x%llx", static_cast<unsigned long long>(*s.gpa));
        out += buf;
    }
    return out;
}

// Depth-first comparison of two JSON values; returns the dotted path of the first difference.
std::optional<std::string> first_json_difference(const json::Value& a, const json::Value& b, const std::string& path) {
    if (a.is_object() && b.is_object()) {
        for (const auto& [key, va] : json::get_object(a)) {
            const std::string p = path.empty() ? key : path + "." + key;
            const json::Value* vb = json::find(b, key);
            if (vb == nullptr) return p + " (only in the first)";
            if (auto d = first_json_difference(va, *vb, p)) return d;
        }
        for (const auto& [key, vb] : json::get_object(b))
            if (json::find(a, key) == nullptr) return (path.empty() ? key : path + "." + key) + " (only in the second)";
        return std::nullopt;
    }
    if (a.is_array() && b.is_array()) {
        const auto& xa = json::get_array(a);
        const auto& xb = json::get_array(b);
        for (std::size_t i = 0; i < xa.size() && i < xb.size(); ++i)
            if (auto d = first_json_difference(xa[i], xb[i], path + "." + std::to_string(i))) return d;
        if (xa.size() != xb.size())
            return path + " (length " + std::to_string(xa.size()) + " vs " + std::to_string(xb.size()) + ")";
        return std::nullopt;
    }
    if (a == b) return std::nullopt;
    return path + " (" + json::dump(a) + " vs " + json::dump(b) + ")";
}

int compare_traces(const sev::Trace& a, const sev::Trace& b, const std::string& na, const std::string& nb) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const sev::MeasureStep& x = a[i];
        const sev::MeasureStep& y = b[i];
        if (x == y) continue;
        std::cout << "first difference at step " << i << ":\n";
        std::cout << "  " << na << ": " << describe(x) << " contents " << to_hex(x.contents) << '\n';
        std::cout << "  " << nb << ": " << describe(y) << " contents " << to_hex(y.contents) << '\n';
        if (const std::string tdx = tdx_step_explanation(x.type, x.contents != y.contents); !tdx.empty()) {
            std::cout << "  "
                      << (x.type != y.type ? "the event sequence differs (" + x.type + " vs " + y.type + ")" : tdx)
                      << '\n';
        } else if (x.type != y.type || x.gpa != y.gpa) {
            std::cout << "  the page layout differs (type or GPA): different firmware, metadata, kernel-hashes "
                         "support or VMM type\n";
        } else if (x.contents != y.contents) {
            std::cout << "  the measured contents differ: "
                      << (x.type == "VMSA" ? "vCPU state (vCPU type/signature, guest features, VMM type, VMSA profile)"
                          : x.type == "KERNEL_HASHES" ? "kernel, initrd or command line (kernel-hashes table)"
                          : x.gpa ? "firmware page, or the kernel-hashes page (kernel, initrd, command line)"
                                  : "firmware bytes")
                      << '\n';
        } else {
            std::cout << "  the digests before this step already differ (different seed / precomputed OVMF hash)\n";
        }
        return 1;
    }
    if (a.size() != b.size()) {
        const bool a_longer = a.size() > b.size();
        const sev::MeasureStep& extra = a_longer ? a[n] : b[n];
        std::cout << "first difference at step " << n << ": only " << (a_longer ? na : nb) << " has it ("
                  << describe(extra) << "); " << na << " has " << a.size() << " steps, " << nb << " has " << b.size()
                  << (extra.type == "VMSA" ? " (different vCPU count)" : "") << '\n';
        return 1;
    }
    std::cout << "identical: " << a.size() << " steps";
    if (!a.empty()) std::cout << ", digest " << to_hex(a.back().digest_after);
    std::cout << '\n';
    return 0;
}

int run_diff(const std::string& file_a, const std::string& file_b) {
    const SavedMeasurement a = parse_saved_measurement(read_text_file(file_a), file_a);
    const SavedMeasurement b = parse_saved_measurement(read_text_file(file_b), file_b);
    if (a.trace && b.trace) return compare_traces(*a.trace, *b.trace, file_a, file_b);
    if (a.json && b.json) {
        // JSON outputs without traces: the inputs section names what differs.
        for (const char* key : {"mode", "inputs", "firmware", "kernel_hashes", "digest", "mrtd", "events", "rtmr0",
                                "rtmr1", "rtmr2", "rtmr3"}) {
            const json::Value* va = json::find(*a.json, key);
            const json::Value* vb = json::find(*b.json, key);
            const json::Value null_value;
            if (auto d = first_json_difference(va ? *va : null_value, vb ? *vb : null_value, key)) {
                std::cout << "first difference: " << *d << '\n';
                return 1;
            }
        }
        std::cout << "identical: digest " << a.digest.value_or("") << '\n';
        return 0;
    }
    if (a.digest && b.digest) {
        if (*a.digest == *b.digest) {
            std::cout << "identical: digest " << *a.digest << '\n';
            return 0;
        }
        std::cout << "digests differ (" << *a.digest << " vs " << *b.digest
                  << "); rerun both with --trace to see the first differing step\n";
        return 1;
    }
    throw InputError("measure diff: " + file_a + " and " + file_b +
                     " are not comparable (give two --trace outputs or two --output-format json outputs)");
}

}  // namespace

void add_measure_diff_command(CLI::App& app, Commands& commands) {
    CLI::App* measure = ensure_subcommand(app, "measure", "Precompute the launch measurement a TEE will report");
    auto files = std::make_shared<std::pair<std::string, std::string>>();
    CLI::App* diff = measure->add_subcommand("diff", "Name the first step where two measurement traces differ");
    diff->add_option("A", files->first, "first `--trace` or `--output-format json` output")->required();
    diff->add_option("B", files->second, "second output")->required();
    commands.add(diff, [files] { return run_diff(files->first, files->second); });
}

}  // namespace ccvm::cli
