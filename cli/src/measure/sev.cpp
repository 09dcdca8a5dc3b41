// `ccvm measure --mode sev|seves|snp|snp:ovmf-hash|snp:svsm`: virtee/sev-snp-measure 0.0.13's flags
// and stdout, plus JSON output, traces, vCPU sweeps and VMSA dumps (AMD SEV API spec (pub. 55766) LAUNCH_UPDATE_DATA,
// LAUNCH_UPDATE_VMSA; AMD SEV-SNP ABI spec (pub. 56860) SNP_LAUNCH_UPDATE).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "ccvm/base/atomic_file.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/hex_number.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "ccvm/firmware-measure/sev/vcpu_types.hpp"
#include "measure/measure_args.hpp"
#include "measure/sev.hpp"
#include "measure/sev_trace_io.hpp"

namespace ccvm::cli {
namespace {

using sev::FirmwareImage;

enum class Mode { sev, seves, snp, snp_ovmf_hash, snp_svsm };
enum class Format { hex, base64, json };

Mode parse_mode(const std::string& m) {
    if (m == "sev") return Mode::sev;
    if (m == "seves") return Mode::seves;
    if (m == "snp") return Mode::snp;
    if (m == "snp:ovmf-hash") return Mode::snp_ovmf_hash;
    return Mode::snp_svsm;  // the family table only routes these five modes here
}

Format parse_format(const std::string& f) {
    if (f == "hex") return Format::hex;
    if (f == "base64") return Format::base64;
    if (f == "json") return Format::json;
    throw InputError("--output-format: unknown format '" + f + "' (known: hex, base64, json)");
}

unsigned parse_count(const std::string& text, const char* flag) {
    const std::uint64_t v = parse_uint(text, flag);
    // SEV-SNP: the VMSA GPA list is per vCPU; KVM caps guests far below this.
    if (v == 0 || v > 65536) throw InputError(std::string(flag) + ": " + text + " is not a vCPU count in 1..65536");
    return static_cast<unsigned>(v);
}

std::uint32_t parse_u32(const std::string& text, const char* flag) {
    const std::uint64_t v = parse_uint(text, flag);
    if (v > 0xFFFFFFFFu) throw InputError(std::string(flag) + ": " + text + " does not fit in 32 bits");
    return static_cast<std::uint32_t>(v);
}

struct SweepRange {
    unsigned first = 1, last = 1;
};

SweepRange parse_sweep(const std::string& text) {
    const auto dash = text.find('-');
    SweepRange r;
    if (dash == std::string::npos) {
        r.first = r.last = parse_count(text, "--sweep-vcpus");
    } else {
        r.first = parse_count(text.substr(0, dash), "--sweep-vcpus");
        r.last = parse_count(text.substr(dash + 1), "--sweep-vcpus");
    }
    if (r.first > r.last) throw InputError("--sweep-vcpus: range '" + text + "' is empty (use FIRST-LAST, e.g. 1-512)");
    return r;
}

// The vCPU signature as sev-snp-measure's get_vcpu_sig resolves it: family, then sig, then type.
std::optional<std::uint32_t> resolve_vcpu_sig(const MeasureArgs& a, Mode mode, sev::VmmType vmm) {
    if (a.vcpu_type && !sev::vcpu_sig_for_type(*a.vcpu_type)) {
        throw InputError("--vcpu-type: unknown vCPU type '" + *a.vcpu_type + "' (known: " + sev::known_vcpu_types() +
                         "; or give --vcpu-sig, or --vcpu-family/--vcpu-model/--vcpu-stepping)");
    }
    if (mode == Mode::sev || mode == Mode::snp_ovmf_hash) return 0;
    if (a.vcpu_family) {
        if (!a.vcpu_model || !a.vcpu_stepping)
            throw InputError("--vcpu-family needs --vcpu-model and --vcpu-stepping as well");
        return sev::cpu_sig(parse_u32(*a.vcpu_family, "--vcpu-family"), parse_u32(*a.vcpu_model, "--vcpu-model"),
                            parse_u32(*a.vcpu_stepping, "--vcpu-stepping"));
    }
    if (a.vcpu_sig) return parse_u32(*a.vcpu_sig, "--vcpu-sig");
    if (a.vcpu_type) return sev::vcpu_sig_for_type(*a.vcpu_type);
    if (vmm == sev::VmmType::qemu) {
        throw InputError("missing --vcpu-type or --vcpu-sig or --vcpu-family in guest mode '" + *a.mode +
                         "' (known vCPU types: " + sev::known_vcpu_types() + ")");
    }
    return std::nullopt;  // EC2 and GCE put 0x600 in RDX whatever the vCPU
}

struct Inputs {
    Mode mode{};
    Format format{};
    std::optional<MappedFile> ovmf, kernel, initrd, svsm;
    std::optional<unsigned> vcpus;
    std::optional<SweepRange> sweep;
    std::optional<std::uint32_t> vcpu_sig;
    sev::VmmType vmm = sev::VmmType::qemu;
    std::uint64_t guest_features = 0x1;
    sev::VmsaProfile profile = sev::VmsaProfile::modern;
    std::optional<Sha384Digest> ovmf_hash;
    std::uint64_t vars_size = 0;
};

Inputs validate(const MeasureArgs& a) {
    Inputs in;
    in.mode = parse_mode(*a.mode);
    in.format = parse_format(a.output_format);
    if (!a.ovmf) throw InputError("--ovmf is required in mode '" + *a.mode + "'");
    if (in.mode != Mode::snp_ovmf_hash) {
        if (a.initrd && !a.kernel) throw InputError("--kernel required when using --initrd");
        if (a.append && !a.append->empty() && !a.kernel) throw InputError("--kernel required when using --append");
    }
    if (a.sweep_vcpus) {
        if (a.trace) throw InputError("--trace and --sweep-vcpus cannot be combined; trace one vCPU count");
        if (a.dump_vmsa) throw InputError("--dump-vmsa and --sweep-vcpus cannot be combined");
        in.sweep = parse_sweep(*a.sweep_vcpus);
    } else if (a.vcpus) {
        in.vcpus = parse_count(*a.vcpus, "--vcpus");
    } else if (in.mode != Mode::sev && in.mode != Mode::snp_ovmf_hash) {
        throw InputError("missing --vcpus N in guest mode '" + *a.mode + "' (or --sweep-vcpus RANGE)");
    }
    if (a.vmm_type) in.vmm = sev::parse_vmm_type(*a.vmm_type);
    in.vcpu_sig = resolve_vcpu_sig(a, in.mode, in.vmm);
    if (a.guest_features) in.guest_features = parse_uint(*a.guest_features, "--guest-features");
    if (a.vmsa_profile) in.profile = sev::parse_vmsa_profile(*a.vmsa_profile);
    // snp:ovmf-hash computes that very hash and, like sev-snp-measure, ignores a given one (the
    // mode flag table refuses it elsewhere).
    if (a.snp_ovmf_hash && in.mode == Mode::snp) {
        const Bytes h = from_hex(*a.snp_ovmf_hash, "--snp-ovmf-hash");
        if (h.size() != 48) {
            throw InputError("--snp-ovmf-hash: expected 48 bytes (96 hex digits, from --mode snp:ovmf-hash), got " +
                             std::to_string(h.size()));
        }
        in.ovmf_hash.emplace();
        std::copy(h.begin(), h.end(), in.ovmf_hash->begin());
    }
    if (in.mode == Mode::snp_svsm) {
        if (in.vmm != sev::VmmType::qemu) throw InputError("--mode snp:svsm is only defined for --vmm-type QEMU");
        if (!a.svsm) throw InputError("snp:svsm mode requires --svsm (the Coconut-SVSM image)");
        if (a.vars_file && a.vars_size) throw InputError("--vars-size and --vars-file are mutually exclusive");
        if (a.vars_file) {
            std::error_code ec;
            in.vars_size = std::filesystem::file_size(*a.vars_file, ec);
            if (ec) throw InputError("--vars-file: cannot read '" + *a.vars_file + "': " + ec.message());
        } else if (a.vars_size) {
            in.vars_size = parse_uint(*a.vars_size, "--vars-size");
        }
        if (in.vars_size == 0) throw InputError("snp:svsm mode requires --vars-size or --vars-file (non-zero)");
    }
    in.ovmf.emplace(*a.ovmf);
    if (in.mode != Mode::snp_ovmf_hash) {
        if (a.kernel) in.kernel.emplace(*a.kernel);
        if (a.initrd) in.initrd.emplace(*a.initrd);
    }
    if (in.mode == Mode::snp_svsm) in.svsm.emplace(*a.svsm);
    return in;
}

sev::VmsaParams vmsa_params(const Inputs& in) {
    sev::VmsaParams p;
    p.sev_features = in.guest_features;
    p.vcpu_sig = in.vcpu_sig.value_or(0);
    p.vmm = in.vmm;
    p.profile = in.profile;
    return p;
}

void dump_vmsas(const std::string& dir, unsigned vcpus, const sev::VmsaPage& bsp, const sev::VmsaPage& ap) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) throw SystemError("--dump-vmsa: cannot create directory '" + dir + "': " + ec.message());
    // Same names as sev-snp-measure's --dump-vmsa: vmsa<N>.bin per vCPU.
    // Each page through a temporary file, so a failure never leaves a partial page.
    try {
        for (unsigned i = 0; i < vcpus; ++i) {
            const std::filesystem::path file = std::filesystem::path(dir) / ("vmsa" + std::to_string(i) + ".bin");
            write_file_atomic(file, ByteSpan(i == 0 ? bsp : ap), 0644);
        }
    } catch (const SystemError& e) {
        throw SystemError(std::string("--dump-vmsa: ") + e.what());
    }
}

std::string format_digest(ByteSpan d, Format f) { return f == Format::base64 ? to_base64(d) : to_hex(d); }

json::Value file_identity(const MappedFile& f, const std::optional<Sha256Digest>& known) {
    json::Value v;
    v["path"] = f.path().string();
    v["size"] = static_cast<unsigned long long>(f.size());
    const Sha256Digest h = known ? *known : sha256(f.bytes());
    v["sha256"] = to_hex(h);
    return v;
}

json::Value firmware_json(const FirmwareImage& fw) {
    json::Value v;
    v["load_gpa"] = hex_number(fw.gpa());
    if (auto eip = fw.sev_es_reset_eip()) v["sev_es_reset_eip"] = hex_number(*eip);
    if (auto base = fw.hashes_table_gpa()) v["kernel_hashes_table_gpa"] = hex_number(*base);
    json::Value sections = json::Value::array();
    for (const sev::MetadataSection& s : fw.metadata()) {
        json::Value o;
        o["gpa"] = hex_number(s.gpa);
        o["size"] = hex_number(s.size);
        o["type"] = std::string(sev::to_string(s.type));
        sections.push_back(std::move(o));
    }
    v["sections"] = std::move(sections);
    return v;
}

struct Outcome {
    Bytes digest;  // single measurement
    std::vector<std::pair<unsigned, Bytes>> sweep;
    sev::Trace trace;
    std::optional<sev::KernelHashes> kernel_hashes;
};

template <std::size_t N>
Bytes to_bytes(const Digest<N>& d) {
    return Bytes(d.begin(), d.end());
}

void print(const MeasureArgs& a, const Inputs& in, const FirmwareImage& ovmf, const FirmwareImage* svsm,
           const Outcome& out) {
    if (in.format != Format::json) {
        if (a.trace) std::cout << render_trace_text(*a.mode, out.trace);
        if (in.sweep) {
            for (const auto& [n, d] : out.sweep) std::cout << n << ' ' << format_digest(d, in.format) << '\n';
        } else if (in.mode == Mode::snp_ovmf_hash) {
            std::cout << to_hex(out.digest) << '\n';  // sev-snp-measure prints the OVMF hash in hex only
        } else {
            std::cout << format_digest(out.digest, in.format) << '\n';
        }
        return;
    }
    json::Value v;
    v["mode"] = *a.mode;
    if (!in.sweep) v["digest"] = to_hex(out.digest);
    json::Value inputs;
    inputs["ovmf"] = file_identity(*in.ovmf, std::nullopt);
    if (in.kernel) inputs["kernel"] = file_identity(*in.kernel, out.kernel_hashes->kernel);
    if (in.initrd) inputs["initrd"] = file_identity(*in.initrd, out.kernel_hashes->initrd);
    if (in.kernel) inputs["append"] = a.append.value_or("");
    if (in.svsm) inputs["svsm"] = file_identity(*in.svsm, std::nullopt);
    if (in.mode == Mode::snp_svsm) inputs["vars_size"] = static_cast<unsigned long long>(in.vars_size);
    if (in.mode != Mode::sev && in.mode != Mode::snp_ovmf_hash) {
        if (in.vcpus) inputs["vcpus"] = *in.vcpus;
        if (a.vcpu_type) inputs["vcpu_type"] = *a.vcpu_type;
        inputs["vcpu_sig"] = in.vcpu_sig ? json::Value(hex_number(*in.vcpu_sig)) : json::Value();
        inputs["vmm_type"] = std::string(sev::to_string(in.vmm));
        inputs["vmsa_profile"] = std::string(sev::to_string(in.profile));
        const std::uint64_t features = in.mode == Mode::seves ? 0 : in.mode == Mode::snp_svsm ? 1 : in.guest_features;
        inputs["guest_features"] = hex_number(features);
    }
    if (in.ovmf_hash) inputs["snp_ovmf_hash"] = to_hex(*in.ovmf_hash);
    v["inputs"] = std::move(inputs);
    if (out.kernel_hashes) {
        json::Value kh;
        kh["cmdline_sha256"] = to_hex(out.kernel_hashes->cmdline);
        kh["initrd_sha256"] = to_hex(out.kernel_hashes->initrd);
        kh["kernel_sha256"] = to_hex(out.kernel_hashes->kernel);
        v["kernel_hashes"] = std::move(kh);
    }
    v["firmware"] = firmware_json(ovmf);
    if (svsm != nullptr) v["svsm_firmware"] = firmware_json(*svsm);
    if (in.sweep) {
        json::Value sw = json::Value::array();
        for (const auto& [n, d] : out.sweep) {
            json::Value o;
            o["vcpus"] = n;
            o["digest"] = to_hex(d);
            sw.push_back(std::move(o));
        }
        v["sweep"] = std::move(sw);
    }
    if (a.trace) v["trace"] = trace_to_json(out.trace);
    std::cout << json::dump(v, true) << '\n';
}

int run_sev(const MeasureArgs& a) {
    Inputs in = validate(a);
    const FirmwareImage ovmf = FirmwareImage::parse(in.ovmf->bytes(), in.ovmf->path().string());
    std::optional<FirmwareImage> svsm;
    if (in.svsm) {
        if (in.vars_size > ovmf.gpa())
            throw InputError("--vars-size " + std::to_string(in.vars_size) + " does not fit below the OVMF image");
        svsm = FirmwareImage::parse(in.svsm->bytes(), in.svsm->path().string(), ovmf.gpa() - in.vars_size);
    }
    Outcome out;
    sev::Trace* trace = a.trace ? &out.trace : nullptr;

    std::optional<sev::KernelHashesTable> table;
    if (in.kernel) {
        std::optional<ByteSpan> initrd;
        if (in.initrd) initrd = in.initrd->bytes();
        std::optional<std::string_view> append;
        if (a.append) append = *a.append;
        out.kernel_hashes = sev::hash_kernel_inputs(in.kernel->bytes(), initrd, append);
        table = sev::build_kernel_hashes_table(*out.kernel_hashes);
    }
    const sev::VmsaParams params = vmsa_params(in);
    const unsigned max_vcpus = in.sweep ? in.sweep->last : in.vcpus.value_or(0);
    std::vector<Bytes> per_count;  // digest after 1..max_vcpus VMSAs
    sev::VmsaPage bsp{}, ap{};

    switch (in.mode) {
        case Mode::sev:
            out.digest = to_bytes(sev::sev_launch_digest(ovmf, table, trace));
            break;
        case Mode::snp_ovmf_hash:
            out.digest = to_bytes(sev::snp_ovmf_hash(ovmf, trace));
            break;
        case Mode::seves: {
            for (const Sha256Digest& d : sev::seves_launch_digests(ovmf, table, max_vcpus, params, trace))
                per_count.push_back(to_bytes(d));
            sev::VmsaParams p = params;
            p.sev_features = 0;
            const sev::VmsaPages pages = sev::build_vmsa_pages(ovmf.require_sev_es_reset_eip(), p);
            bsp = pages.bsp, ap = pages.ap;
            break;
        }
        case Mode::snp:
        case Mode::snp_svsm: {
            sev::GuestContext gctx;
            if (in.mode == Mode::snp) {
                const sev::VmsaPages pages = sev::build_vmsa_pages(ovmf.require_sev_es_reset_eip(), params);
                if (max_vcpus > 1 && !pages.has_ap)
                    throw InputError(ovmf.source() +
                                     ": the SEV-ES reset block gives AP reset EIP 0, so only 1 vCPU can start");
                bsp = pages.bsp, ap = pages.ap;
                gctx = sev::snp_context_before_vmsas(ovmf, {in.ovmf_hash, table, in.vmm}, trace);
            } else {
                bsp = ap = sev::build_svsm_vmsa(sev::svsm_entry_eip(*svsm), params.vcpu_sig);
                gctx = sev::svsm_context_before_vmsas(ovmf, *svsm, trace);
            }
            // One firmware pass: each further vCPU only adds one VMSA page, hashed once, to the chain.
            const sev::VmsaDigests vmsa = sev::vmsa_page_digests(bsp, ap);
            for (unsigned i = 0; i < max_vcpus; ++i) {
                gctx.update_vmsa_digest(i == 0 ? vmsa.bsp : vmsa.ap);
                per_count.push_back(to_bytes(gctx.ld()));
            }
            break;
        }
    }
    if (!per_count.empty()) {
        if (in.sweep) {
            for (unsigned n = in.sweep->first; n <= in.sweep->last; ++n) out.sweep.emplace_back(n, per_count[n - 1]);
        } else {
            out.digest = per_count.back();
        }
    }
    if (a.dump_vmsa) dump_vmsas(*a.dump_vmsa, max_vcpus, bsp, ap);
    print(a, in, ovmf, svsm ? &*svsm : nullptr, out);
    return 0;
}

}  // namespace

int run_sev_measure(const MeasureArgs& args) { return run_sev(args); }

}  // namespace ccvm::cli
