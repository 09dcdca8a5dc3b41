#include "ccvm/daemon/authorization.hpp"

#include <grp.h>

#include <algorithm>
#include <vector>

#include "ccvm/daemon/errors.hpp"

namespace ccvm::daemon {

Authorizer Authorizer::for_group(const std::string& group) {
    struct group g {};
    struct group* found = nullptr;
    std::vector<char> buf(16384);
    if (getgrnam_r(group.c_str(), &g, buf.data(), buf.size(), &found) != 0 || found == nullptr)
        return Authorizer(std::nullopt);
    return Authorizer(found->gr_gid);
}

bool Authorizer::may_change(const Caller& caller) const {
    if (caller.uid == 0) return true;
    if (!admin_gid_) return false;
    return caller.gid == *admin_gid_ || std::find(caller.supplementary_gids.begin(), caller.supplementary_gids.end(),
                                                  *admin_gid_) != caller.supplementary_gids.end();
}

void Authorizer::require_change(const Caller& caller, const std::string& action) const {
    if (!may_change(caller))
        throw DaemonError(ErrorCode::access_denied, "uid " + std::to_string(caller.uid) + " may not " + action +
                                                        ": needs root or the VM administrators' group");
}

}  // namespace ccvm::daemon
