#include "measure/tdx_trace.hpp"

#include "ccvm/firmware-measure/hash.hpp"

namespace ccvm::cli {

sev::Trace tdx_trace(const tdx::TdxMeasurement& m, ByteSpan firmware) {
    sev::Trace trace;
    if (m.mrtd.value) {
        for (const tdx::TdvfSection& s : m.metadata.sections) {
            sev::MeasureStep step;
            step.type = "MRTD:" + std::string(tdx::to_string(s.type));
            step.gpa = s.memory_address;
            const Sha384Digest d = sha384(firmware.subspan(s.data_offset, s.raw_data_size));
            step.contents.assign(d.begin(), d.end());
            step.digest_after.assign(m.mrtd.value->begin(), m.mrtd.value->end());
            trace.push_back(std::move(step));
        }
    }
    tdx::Rtmrs running{};
    for (const tdx::Event& e : m.events) {
        running[e.rtmr] = tdx::extend(running[e.rtmr], e.digest);
        sev::MeasureStep step;
        step.type = "RTMR" + std::to_string(e.rtmr) + ":" + tdx::event_type_name(static_cast<std::uint32_t>(e.type));
        step.contents.assign(e.digest.begin(), e.digest.end());
        step.digest_after.assign(running[e.rtmr].begin(), running[e.rtmr].end());
        trace.push_back(std::move(step));
    }
    return trace;
}

std::string tdx_step_explanation(const std::string& type, bool contents_differ) {
    if (type.rfind("MRTD:", 0) == 0) {
        return contents_differ ? "the TDVF section bytes differ: different firmware image"
                               : "same sections, different MRTD: the page-add order (single-pass vs two-pass) differs";
    }
    if (type.rfind("RTMR0:", 0) == 0)
        return "an RTMR0 event differs: guest memory (TD HOB), CFV, ACPI tables (vCPUs, devices, QEMU), SMBIOS table "
               "(--smbios) or edk2 version";
    if (type.rfind("RTMR1:", 0) == 0)
        return "an RTMR1 event differs: kernel, or QEMU version / memory / initrd size through the patched setup "
               "header";
    if (type.rfind("RTMR2:", 0) == 0)
        return "an RTMR2 event differs: command line, initrd or edk2 version (LoadOptions layout)";
    return {};
}

}  // namespace ccvm::cli
