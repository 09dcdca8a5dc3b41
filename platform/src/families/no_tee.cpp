// A plain (non-confidential) guest: the defaults of DomainParts, nothing measured.
#include "families/families.hpp"
#include "families/registers.hpp"

namespace ccvm::platform {
namespace {

class NoTeeFamily final : public TeeFamily {
public:
    TeeKind kind() const noexcept override { return TeeKind::none; }
    void shape_domain(const VmSpec&, DomainParts&) const override {}
    std::vector<std::string> registers() const override { return {}; }
    Registers measure(const VmSpec&) const override { return {}; }
};

}  // namespace

const TeeFamily& no_tee_family() {
    static const NoTeeFamily family;
    return family;
}

}  // namespace ccvm::platform
