// Who may do what (ccvmd(8) D-BUS INTERFACE, daemon/org.ccvm.ccvm1.xml): reads for everyone, changes for root and one
// group.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace ccvm::daemon {

struct Caller {
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
    std::vector<gid_t> supplementary_gids;
};

class Authorizer {
public:
    // `admin_gid`: the group whose members may change VMs; none when the group does not exist.
    explicit Authorizer(std::optional<gid_t> admin_gid) : admin_gid_(admin_gid) {}
    // Resolves `group` by name (getgrnam_r).
    static Authorizer for_group(const std::string& group);

    bool may_change(const Caller& caller) const;
    // Throws DaemonError(access_denied) naming the uid and `action` when the caller may not change VMs.
    void require_change(const Caller& caller, const std::string& action) const;

private:
    std::optional<gid_t> admin_gid_;
};

}  // namespace ccvm::daemon
