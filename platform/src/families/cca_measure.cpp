#include "families/cca_measure.hpp"

#include "ccvm/base/encoding.hpp"
#include "ccvm/firmware-measure/cca/measurement.hpp"
#include "ccvm/firmware-measure/cca/qemu_virt_layout.hpp"
#include "ccvm/firmware-measure/cca/replay.hpp"
#include "ccvm/firmware-measure/cca/vmm_layout.hpp"

namespace ccvm::platform {

void measure_cca_rim(const VmSpec& spec, RegisterTable& regs) {
    const CcaOptions& o = *spec.options<CcaOptions>();
    // cca.md §8 trap: the RIM covers the DTB byte for byte, and QEMU generates it per host.
    if (!o.dtb) {
        return regs.not_computed("rim",
                                 "the RIM covers the realm's DTB byte for byte: set tee.dtb to the DTB QEMU "
                                 "passes (dump it with -machine dumpdtb=FILE)");
    }
    if (!spec.host.num_bps || !spec.host.num_wps)
        return regs.not_computed("rim",
                                 "the realm parameters include the host's debug resources: set host.num-bps "
                                 "and host.num-wps");
    cca::VmmInputs in;
    in.kernel = spec.kernel;
    in.initrd = spec.initrd;
    in.firmware = spec.firmware;
    in.dtb = *o.dtb;
    in.memory = spec.memory_bytes;
    in.vcpus = spec.vcpus;
    in.measurement_log = o.measurement_log;
    cca::RealmConfig& r = in.realm;
    if (spec.host.rmm_version) r.rmm_version = cca::parse_rmm_version(*spec.host.rmm_version, "host.rmm-version");
    r.hash_algo = o.hash_algo == CcaHashAlgo::sha256 ? cca::MeasurementAlgo::sha256 : cca::MeasurementAlgo::sha512;
    r.ipa_bits = spec.host.ipa_bits;
    r.sve_vl_bits = spec.host.sve_vl.value_or(0);
    r.pmu_counters = spec.host.pmu_counters;
    r.num_bps = *spec.host.num_bps;
    r.num_wps = *spec.host.num_wps;
    r.lpa2 = spec.host.lpa2;
    // The domain XML runs Linaro's QEMU (rme-guest), so its virt layout decides the plan.
    const cca::RealmMeasurements m = cca::replay(cca::qemu_virt_plan(in));
    regs.set("rim", m.rim);
}

}  // namespace ccvm::platform
