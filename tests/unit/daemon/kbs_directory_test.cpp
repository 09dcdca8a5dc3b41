// The pieces of ccvmd's key broker that read VM records: which spec tee produces which evidence
// family, and how a session id is shown.
#include <gtest/gtest.h>

#include "ccvm/daemon/key_broker_service.hpp"
#include "kbs/vm_directory.hpp"

namespace ccvm::daemon {
namespace {

using attestation::AgentTee;

TEST(KbsDirectory, FamiliesByTheirSpecTee) {
    using platform::TeeKind;
    EXPECT_TRUE(tee_produces(TeeKind::sev_snp, AgentTee::snp));
    EXPECT_FALSE(tee_produces(TeeKind::sev_es, AgentTee::snp));
    EXPECT_FALSE(tee_produces(TeeKind::sev, AgentTee::snp));
    EXPECT_TRUE(tee_produces(TeeKind::tdx, AgentTee::tdx));
    EXPECT_TRUE(tee_produces(TeeKind::cca, AgentTee::cca));
    for (TeeKind csv : {TeeKind::csv, TeeKind::csv2, TeeKind::csv3}) EXPECT_TRUE(tee_produces(csv, AgentTee::csv));
    EXPECT_FALSE(tee_produces(TeeKind::none, AgentTee::csv));
    EXPECT_FALSE(tee_produces(TeeKind::tdx, AgentTee::snp));
}

TEST(KbsDirectory, SessionLabelIsAShortDigestNeverTheCookie) {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2 B.1).
    EXPECT_EQ(session_label("abc"), "ba7816bf8f01");
    EXPECT_EQ(session_label(""), "-");
}

}  // namespace
}  // namespace ccvm::daemon
