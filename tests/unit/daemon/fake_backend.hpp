// In-memory hypervisor and planner for the daemon's unit tests: they record what the manager asked
// for so the tests can check the order of define/start/destroy/undefine against the state dir.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>

#include "ccvm/daemon/errors.hpp"
#include "ccvm/daemon/spec_planner.hpp"
#include "ccvm/daemon/vm_backend.hpp"

namespace ccvm::daemon::test {

class FakeBackend final : public VmBackend {
public:
    std::vector<std::string> list_domains() override {
        std::lock_guard lock(mutex);
        std::vector<std::string> out;
        for (const auto& [name, d] : domains) out.push_back(name);
        return out;
    }
    DomainState state(const std::string& name) override {
        std::lock_guard lock(mutex);
        const auto it = domains.find(name);
        return it == domains.end() ? DomainState::absent : it->second.state;
    }
    void define(const std::string& xml) override {
        std::lock_guard lock(mutex);
        if (fail_define) throw DaemonError(ErrorCode::libvirt, "define refused");
        const std::string name = xml.substr(0, xml.find('|'));
        auto& d = domains[name];
        d.xml = xml;
        if (d.state == DomainState::absent) d.state = DomainState::shutoff;
    }
    void start(const std::string& name, bool paused) override {
        set(name, paused ? DomainState::paused : DomainState::running);
    }
    void resume(const std::string& name) override { set(name, DomainState::running); }
    void shutdown(const std::string& name) override { set(name, DomainState::shutoff); }
    void destroy(const std::string& name) override { set(name, DomainState::shutoff); }
    void undefine(const std::string& name) override {
        std::lock_guard lock(mutex);
        domains.erase(name);
    }
    Bytes sev_pdh(LaunchFirmware) override { throw DaemonError(ErrorCode::not_supported, "no PDH"); }
    LaunchReport launch_measurement(const std::string&) override {
        throw DaemonError(ErrorCode::not_supported, "no launch measurement");
    }
    void inject_launch_secret(const std::string&, const std::string&, const std::string&) override {
        throw DaemonError(ErrorCode::not_supported, "no secret injection");
    }

    struct Domain {
        std::string xml;
        DomainState state = DomainState::absent;
    };
    std::mutex mutex;
    std::map<std::string, Domain> domains;
    bool fail_define = false;

private:
    void set(const std::string& name, DomainState s) {
        std::lock_guard lock(mutex);
        const auto it = domains.find(name);
        if (it == domains.end()) throw DaemonError(ErrorCode::libvirt, "no domain " + name);
        it->second.state = s;
    }
};

// The registers the FakePlanner "measures" for a VM of `tee`: distinct per TEE, one not computed.
inline Registers expected_of(const std::string& tee) {
    Registers r;
    for (char c : tee) r.values["digest"].push_back(static_cast<std::byte>(c));
    r.not_computed["later"] = "measured by " + tee + " at run time";
    return r;
}

// Specs for the tests are "name tee" on one line; the "domain XML" is "name|tee".
class FakePlanner final : public SpecPlanner {
public:
    std::string vm_name(std::string_view spec_yaml, std::string_view source) const override {
        return plan(spec_yaml, source, {}).name;
    }
    VmPlan plan(std::string_view spec_yaml, std::string_view source, const PlanInputs&) const override {
        std::istringstream in{std::string(spec_yaml)};
        VmPlan plan;
        std::string tee;
        if (!(in >> plan.name >> tee) || !platform::tee_from_name(tee))
            throw DaemonError(ErrorCode::spec_invalid, std::string(source) + ":1:1: expected 'name tee'");
        plan.tee = *platform::tee_from_name(tee);
        plan.domain_xml = plan.name + "|" + tee;
        plan.expected = expected_of(tee);
        return plan;
    }
};

}  // namespace ccvm::daemon::test
