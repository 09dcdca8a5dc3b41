// SEV and SEV-ES launch digests (AMD SEV API spec (pub. 55766) LAUNCH_UPDATE_DATA, LAUNCH_UPDATE_VMSA): SHA-256 over
// the launch data stream.
#include <string>

#include "ccvm/base/error.hpp"
#include "ccvm/firmware-measure/hash.hpp"
#include "ccvm/firmware-measure/sev/launch_digest.hpp"
#include "digest_stream.hpp"

namespace ccvm::sev {
namespace {

Sha256Digest to_sha256(const Bytes& b) {
    Sha256Digest d{};
    std::copy(b.begin(), b.end(), d.begin());
    return d;
}

// Firmware and the optional kernel-hashes table: the part of the stream that does not depend on vCPUs.
DigestStream launch_data_stream(const FirmwareImage& ovmf, const std::optional<KernelHashesTable>& table,
                                Trace* trace) {
    if (table && !ovmf.supports_kernel_hashes()) {
        throw InputError(ovmf.source() +
                         ": kernel hashes not supported: a kernel was given but this OVMF has no kernel hashes table "
                         "(footer entry 7255371f-... missing or base 0; \"Kernel specified but OVMF doesn't support "
                         "kernel/initrd/cmdline measurement\"). Measured direct boot needs an AmdSevX64 OVMF build "
                         "(edk2 OvmfPkg/AmdSev/AmdSevX64.dsc); generic OvmfPkgX64/Debian builds cannot do it");
    }
    DigestStream stream(HashAlgo::sha256);
    auto step = [&](std::string type, ByteSpan data) {
        stream.update(data);
        if (trace != nullptr) {
            const Sha256Digest h = sha256(data);
            trace->push_back({std::move(type), std::nullopt, Bytes(h.begin(), h.end()), stream.peek()});
        }
    };
    step("FIRMWARE", ovmf.data());
    if (table) step("KERNEL_HASHES", *table);
    return stream;
}

}  // namespace

Sha256Digest sev_launch_digest(const FirmwareImage& ovmf, const std::optional<KernelHashesTable>& table, Trace* trace) {
    return to_sha256(launch_data_stream(ovmf, table, trace).peek());
}

Sha256Digest sev_launch_digest(ByteSpan ovmf, std::optional<ByteSpan> kernel, std::optional<ByteSpan> initrd,
                               std::optional<std::string_view> append) {
    std::optional<KernelHashesTable> table;
    if (kernel) table = build_kernel_hashes_table(*kernel, initrd, append);
    return sev_launch_digest(FirmwareImage::parse(ovmf), table);
}

std::vector<Sha256Digest> seves_launch_digests(const FirmwareImage& ovmf, const std::optional<KernelHashesTable>& table,
                                               unsigned max_vcpus, const VmsaParams& params, Trace* trace) {
    if (max_vcpus == 0) throw InputError("vcpus: SEV-ES needs at least 1 vCPU");
    const std::uint32_t ap_eip = ovmf.require_sev_es_reset_eip();
    VmsaParams p = params;
    p.sev_features =
        0;  // AMD SEV API spec (pub. 55766) LAUNCH_UPDATE_VMSA: sev-snp-measure forces sev_features 0 for SEV-ES
    const VmsaPages vmsas = build_vmsa_pages(ap_eip, p);
    if (max_vcpus > 1 && !vmsas.has_ap) {
        throw InputError(ovmf.source() + ": the SEV-ES reset block gives AP reset EIP 0, so only 1 vCPU can start");
    }
    DigestStream stream = launch_data_stream(ovmf, table, trace);
    std::vector<Sha256Digest> out;
    out.reserve(max_vcpus);
    for (unsigned i = 0; i < max_vcpus; ++i) {
        const VmsaPage& page = vmsas.page(i);
        stream.update(page);
        out.push_back(to_sha256(stream.peek()));
        if (trace != nullptr) {
            const Sha256Digest h = sha256(page);
            trace->push_back(
                {"VMSA", std::nullopt, Bytes(h.begin(), h.end()), Bytes(out.back().begin(), out.back().end())});
        }
    }
    return out;
}

Sha256Digest seves_launch_digest(const FirmwareImage& ovmf, const std::optional<KernelHashesTable>& table,
                                 unsigned vcpus, const VmsaParams& params, Trace* trace) {
    return seves_launch_digests(ovmf, table, vcpus, params, trace).back();
}

}  // namespace ccvm::sev
