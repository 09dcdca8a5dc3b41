// Hygon CSV, CSV2 and CSV3: the same sev-guest object with Hygon policy bits (csv.md §2-3).
// libvirt does not model Hygon's user-id, so a guest reusing an ASID gets the whole object through
// <qemu:commandline> instead (libvirt.md §9).
#include "families/families.hpp"
#include "families/registers.hpp"
#include "families/sev_measure.hpp"

namespace ccvm::platform {
namespace {

class CsvFamily final : public TeeFamily {
public:
    explicit CsvFamily(TeeKind kind) : kind_(kind) {}
    TeeKind kind() const noexcept override { return kind_; }

    void shape_domain(const VmSpec& spec, DomainParts& parts) const override {
        const SevOptions& o = *spec.options<SevOptions>();
        parts.loader_type = "rom";
        parts.loader_stateless = true;
        parts.iommu_platform = true;
        parts.on_reboot = "destroy";  // CSV3 guests are not resettable (csv.md §3)
        if (!o.user_id) {
            parts.launch_security = sev_guest_launch_security(spec, o, kCsvSessionSize);
            return;
        }
        std::string object = "sev-guest,id=sev0,policy=" + hex_value(o.policy) +
                             ",cbitpos=" + std::to_string(spec.host.cbitpos) +
                             ",reduced-phys-bits=" + std::to_string(spec.host.reduced_phys_bits) +
                             ",user-id=" + std::to_string(*o.user_id);
        if (o.kernel_hashes) object += ",kernel-hashes=on";
        if (o.handle) object += ",handle=" + std::to_string(*o.handle);
        if (o.dh_cert_file) object += ",dh-cert-file=" + qemu_escape(o.dh_cert_file->string());
        if (o.session_file) object += ",session-file=" + qemu_escape(o.session_file->string());
        parts.qemu_args = {"-object", object, "-machine", "confidential-guest-support=sev0"};
    }

    std::vector<std::string> registers() const override { return {"launch_digest"}; }

    Registers measure(const VmSpec& spec) const override {
        RegisterTable regs(registers());
        if (kind_ == TeeKind::csv) {
            measure_csv_launch_digest(spec, regs);
        } else {
            regs.not_computed("launch_digest",
                              "Hygon does not publish the " + std::string(tee_name(kind_)) +
                                  " VMSA/VMCB contents, so this launch digest cannot be precomputed (csv.md §4); "
                                  "compare against a value captured from a known-good launch");
        }
        return std::move(regs).finish();
    }

private:
    // QEMU option values double a literal comma.
    static std::string qemu_escape(const std::string& s) {
        std::string out;
        for (char c : s) out += c == ',' ? std::string(",,") : std::string(1, c);
        return out;
    }
    TeeKind kind_;
};

}  // namespace

const TeeFamily& csv_family(TeeKind kind) {
    static const CsvFamily csv(TeeKind::csv);
    static const CsvFamily csv2(TeeKind::csv2);
    static const CsvFamily csv3(TeeKind::csv3);
    return kind == TeeKind::csv3 ? csv3 : kind == TeeKind::csv2 ? csv2 : csv;
}

}  // namespace ccvm::platform
