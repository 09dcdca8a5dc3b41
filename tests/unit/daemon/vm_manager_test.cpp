#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "ccvm/daemon/errors.hpp"
#include "ccvm/daemon/vm_manager.hpp"
#include "fake_backend.hpp"
#include "support/temp_dir.hpp"

namespace fs = std::filesystem;

namespace ccvm::daemon {
namespace {

using test::FakeBackend;
using test::FakePlanner;

class Recorder final : public VmObserver {
public:
    void vm_added(const VmRecord& r) override { log("added " + r.name); }
    void vm_changed(const VmRecord& r) override { log("changed " + r.name + " " + std::string(to_string(r.state))); }
    void vm_removed(const std::string& name) override { log("removed " + name); }
    std::vector<std::string> events;

private:
    void log(std::string e) {
        std::lock_guard lock(mutex_);
        events.push_back(std::move(e));
    }
    std::mutex mutex_;
};

class VmManagerTest : public ::testing::Test {
protected:
    void SetUp() override {
        flows_.add({platform::TeeKind::none, platform::TeeKind::tdx}, std::make_shared<DirectLaunch>("test"));
        store_ = std::make_unique<StateStore>(dir_);
    }

    std::unique_ptr<VmManager> manager(CrashPoints crash = {}) {
        auto m = std::make_unique<VmManager>(*store_, backend_, planner_, flows_, std::move(crash));
        m->set_observer(&recorder_);
        return m;
    }

    const ccvm::test::TempDir tmp_;
    const fs::path dir_ = tmp_ / "state";  // created by the StateStore
    FakeBackend backend_;
    FakePlanner planner_;
    LaunchFlows flows_{"test"};
    std::unique_ptr<StateStore> store_;
    Recorder recorder_;
};

TEST_F(VmManagerTest, LifecycleKeepsLibvirtAndStateDirInStep) {
    auto m = manager();
    m->reconcile();
    const VmRecord r = m->create("vm1 none");
    EXPECT_EQ(r.state, VmState::defined);
    EXPECT_EQ(backend_.state("vm1"), DomainState::shutoff);
    EXPECT_EQ(store_->load("vm1").phase, Phase::ready);

    m->start("vm1");
    EXPECT_EQ(backend_.state("vm1"), DomainState::running);
    EXPECT_EQ(m->find("vm1")->state, VmState::running);
    EXPECT_EQ(store_->load("vm1").state, VmState::running);
    EXPECT_THROW(m->start("vm1"), DaemonError);
    EXPECT_THROW(m->remove("vm1"), DaemonError);

    m->stop("vm1", false);
    EXPECT_EQ(m->find("vm1")->state, VmState::defined);
    m->start("vm1");
    m->destroy("vm1");
    EXPECT_EQ(store_->load("vm1").state_reason, "destroyed");
    m->remove("vm1");
    EXPECT_FALSE(m->find("vm1"));
    EXPECT_EQ(backend_.state("vm1"), DomainState::absent);
    EXPECT_FALSE(fs::exists(dir_ / "vms/vm1"));
    EXPECT_EQ(recorder_.events.front(), "added vm1");
    EXPECT_EQ(recorder_.events.back(), "removed vm1");
}

TEST_F(VmManagerTest, ErrorsAreNamed) {
    auto m = manager();
    auto code_of = [](auto&& fn) {
        try {
            fn();
        } catch (const DaemonError& e) {
            return e.code();
        }
        return ErrorCode::internal;
    };
    EXPECT_EQ(code_of([&] { m->create("garbage"); }), ErrorCode::spec_invalid);
    EXPECT_EQ(code_of([&] { m->create("../evil none"); }), ErrorCode::spec_invalid);
    EXPECT_EQ(code_of([&] { m->start("nope"); }), ErrorCode::not_found);
    m->create("vm1 none");
    EXPECT_EQ(code_of([&] { m->create("vm1 none"); }), ErrorCode::already_exists);
    EXPECT_EQ(code_of([&] { m->stop("vm1", true); }), ErrorCode::invalid_state);
    m->create("vm2 sev");
    EXPECT_EQ(code_of([&] { m->start("vm2"); }), ErrorCode::not_supported);
    // A refused launch leaves the VM defined, not running, and says why.
    EXPECT_EQ(m->find("vm2")->state, VmState::failed);
    EXPECT_NE(m->find("vm2")->state_reason.find("cannot launch tee 'sev'"), std::string::npos);
}

TEST_F(VmManagerTest, FailedDefineLeavesNothingBehind) {
    auto m = manager();
    backend_.fail_define = true;
    EXPECT_THROW(m->create("vm1 none"), DaemonError);
    EXPECT_FALSE(fs::exists(dir_ / "vms/vm1"));
    EXPECT_TRUE(m->list().empty());
    backend_.fail_define = false;
    m->create("vm1 none");
    EXPECT_EQ(m->list().size(), 1u);
}

// What a kill -9 leaves at each step of create, and what the next start makes of it.
TEST_F(VmManagerTest, ReconcileRollsBackInterruptedCreate) {
    VmRecord r;
    r.name = "half";
    r.tee = platform::TeeKind::none;
    r.phase = Phase::creating;
    store_->create(r, "half none", "half|none");
    backend_.define("half|none");  // crashed after define, before commit
    VmRecord before_define = r;
    before_define.name = "early";
    store_->create(before_define, "early none", "early|none");  // crashed before define

    auto m = manager();
    m->reconcile();
    EXPECT_TRUE(m->list().empty());
    EXPECT_EQ(backend_.state("half"), DomainState::absent);
    EXPECT_FALSE(fs::exists(dir_ / "vms/half"));
    EXPECT_FALSE(fs::exists(dir_ / "vms/early"));
}

TEST_F(VmManagerTest, ReconcileRedefinesMissingDomainsAndEndsInterruptedLaunches) {
    {
        auto m = manager();
        m->create("gone none");
        m->create("launching tdx");
        m->create("alive none");
        m->start("alive");
        m->create("poweredoff none");
        m->start("poweredoff");
    }
    backend_.undefine("gone");  // libvirt lost it (test driver restart)
    VmRecord launching = store_->load("launching");
    launching.state = VmState::starting;  // crashed mid-launch, domain paused
    store_->save(launching);
    backend_.start("launching", true);
    backend_.destroy("poweredoff");  // guest powered off while the daemon was down

    auto m = manager();
    m->reconcile();
    EXPECT_EQ(m->list().size(), 4u);
    EXPECT_EQ(backend_.state("gone"), DomainState::shutoff);
    EXPECT_EQ(m->find("gone")->state, VmState::defined);
    EXPECT_EQ(backend_.state("launching"), DomainState::shutoff);
    EXPECT_EQ(m->find("launching")->state, VmState::defined);
    EXPECT_NE(m->find("launching")->state_reason.find("interrupted"), std::string::npos);
    EXPECT_EQ(m->find("alive")->state, VmState::running);
    EXPECT_EQ(m->find("poweredoff")->state, VmState::defined);
    EXPECT_EQ(store_->load("poweredoff").state, VmState::defined);
}

TEST_F(VmManagerTest, ReconcileFinishesInterruptedRemove) {
    {
        auto m = manager();
        m->create("vm1 none");
    }
    VmRecord r = store_->load("vm1");
    r.phase = Phase::removing;
    store_->save(r);
    auto m = manager();
    m->reconcile();
    EXPECT_TRUE(m->list().empty());
    EXPECT_EQ(backend_.state("vm1"), DomainState::absent);
    EXPECT_FALSE(fs::exists(dir_ / "vms/vm1"));
}

TEST_F(VmManagerTest, RefreshNoticesAGuestThatPoweredOff) {
    auto m = manager();
    m->create("vm1 none");
    m->start("vm1");
    backend_.destroy("vm1");
    m->refresh();
    EXPECT_EQ(m->find("vm1")->state, VmState::defined);
    EXPECT_EQ(m->find("vm1")->state_reason, "the guest powered off");
}

TEST_F(VmManagerTest, ParallelCreatesOfDistinctAndEqualNames) {
    auto m = manager();
    std::vector<std::thread> threads;
    std::atomic<int> ok{0}, exists{0};
    for (int i = 0; i < 16; ++i) {
        threads.emplace_back([&, i] {
            try {
                m->create("vm" + std::to_string(i % 8) + " none");
                m->start("vm" + std::to_string(i % 8));
                ++ok;
            } catch (const DaemonError& e) {
                if (e.code() == ErrorCode::already_exists || e.code() == ErrorCode::invalid_state) ++exists;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 8);
    EXPECT_EQ(exists.load(), 8);
    EXPECT_EQ(m->list().size(), 8u);
    for (const VmRecord& r : m->list()) EXPECT_EQ(backend_.state(r.name), DomainState::running);
}

TEST_F(VmManagerTest, AttestReportsTheRecordedLaunch) {
    auto m = manager();
    m->create("vm1 tdx");
    const AttestResult before = m->attest("vm1");
    EXPECT_FALSE(before.launch.has_value());
    EXPECT_TRUE(before.launch_measurement.empty());
    m->start("vm1");
    const AttestResult a = m->attest("vm1");
    ASSERT_TRUE(a.launch.has_value());
    EXPECT_EQ(a.launch->verdict, LaunchVerdict::pending);
    EXPECT_EQ(a.launch->reason, "the firmware reports the measurement in the guest's evidence");
    EXPECT_FALSE(a.launch->platform.has_value());
    EXPECT_EQ(a.backend, "test");
    EXPECT_EQ(a.tee, platform::TeeKind::tdx);
    EXPECT_EQ(a.state, VmState::running);
    // The registers recorded at create, typed as the planner gave them.
    EXPECT_EQ(a.expected, test::expected_of("tdx"));
    EXPECT_FALSE(a.evidence.has_value());
}

}  // namespace
}  // namespace ccvm::daemon
