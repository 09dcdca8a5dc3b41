// read_descriptor (every descriptor a D-Bus caller passes), the per-caller work limit and
// echo_input (every message that repeats caller input).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <string>

#include "ccvm/base/echo_input.hpp"
#include "ccvm/base/unique_fd.hpp"
#include "ccvm/daemon/descriptor.hpp"
#include "ccvm/daemon/errors.hpp"
#include "dbus/work_pool.hpp"

namespace ccvm::daemon {
namespace {

using namespace std::chrono_literals;

struct Pipe {
    UniqueFd reader;
    UniqueFd writer;
    Pipe() {
        int fds[2] = {-1, -1};
        EXPECT_EQ(::pipe(fds), 0);
        reader.reset(fds[0]);
        writer.reset(fds[1]);
    }
    void close_writer() { writer.reset(); }
};

std::string message_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const DaemonError& e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
        return e.what();
    }
    return "no error";
}

TEST(ReadDescriptor, ReadsAPipeToItsEnd) {
    Pipe p;
    ASSERT_EQ(::write(p.writer.get(), "secret", 6), 6);
    p.close_writer();
    const auto data = read_descriptor(p.reader.get(), 16, 1s, "the test pipe");
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(data.data()), data.size()), "secret");
}

TEST(ReadDescriptor, AWriterThatNeverClosesTimesOut) {
    Pipe p;
    ASSERT_EQ(::write(p.writer.get(), "sec", 3), 3);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(message_of([&] { (void)read_descriptor(p.reader.get(), 16, 300ms, "the test pipe"); }),
              "the test pipe: no end of data within 300 ms (is the writing end of the pipe still open?)");
    const auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(took, 300ms);
    EXPECT_LT(took, 3s);
}

TEST(ReadDescriptor, MoreThanTheLimitIsRefused) {
    Pipe p;
    const std::string data(100001, 'x');  // past the first buffer, so growing is exercised too
    auto writer = std::async(std::launch::async, [&] {
        std::size_t done = 0;
        while (done < data.size()) {
            const ssize_t n = ::write(p.writer.get(), data.data() + done, data.size() - done);
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        p.close_writer();
    });
    EXPECT_EQ(message_of([&] { (void)read_descriptor(p.reader.get(), 100000, 5s, "the test pipe"); }),
              "the test pipe: more than the 100000-byte limit");
    writer.get();
}

TEST(ReadDescriptor, ExactlyTheLimitIsAccepted) {
    Pipe p;
    const std::string data(70000, 'y');
    auto writer = std::async(std::launch::async, [&] {
        (void)!::write(p.writer.get(), data.data(), data.size());
        p.close_writer();
    });
    EXPECT_EQ(read_descriptor(p.reader.get(), 70000, 5s, "the test pipe").size(), 70000u);
    writer.get();
}

TEST(WorkPool, OneCallerGetsAtMostHalfTheWorkers) {
    std::promise<void> release;
    std::shared_future<void> gate = release.get_future().share();
    std::promise<void> other_done;
    const auto blocked = [gate] { gate.wait(); };
    WorkPool pool(4);  // declared last: its destructor finishes the jobs before what they use goes
    ASSERT_EQ(pool.per_caller_limit(), 2u);
    EXPECT_TRUE(pool.post(1000, blocked));
    EXPECT_TRUE(pool.post(1000, blocked));
    EXPECT_FALSE(pool.post(1000, blocked));  // refused at once, not queued
    EXPECT_TRUE(pool.post(0, [&] { other_done.set_value(); }));
    EXPECT_EQ(other_done.get_future().wait_for(5s), std::future_status::ready);
    release.set_value();
}

TEST(EchoInput, EscapesControlBytesAndCapsTheLength) {
    EXPECT_EQ(echo_input("plain-name_1.2"), "plain-name_1.2");
    EXPECT_EQ(echo_input("a\x1b[31m\nb\tc\x7f\xc3\xa9"), "a\\x1b[31m\\nb\\tc\\x7f\\xc3\\xa9");
    std::string capped(200, 'n');
    capped.append("...");  // built by append: GCC 12 -O3 warns falsely on `std::string(...) + "..."`
    EXPECT_EQ(echo_input(std::string(300, 'n')), capped);
    EXPECT_EQ(echo_input("abcdef", 3), "abc...");
    EXPECT_EQ(echo_input(echo_input("x\ny")), echo_input("x\ny"));  // escaping twice changes nothing
}

}  // namespace
}  // namespace ccvm::daemon
