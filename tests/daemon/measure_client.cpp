// A minimal D-Bus client of org.ccvm.ccvm1.Manager.Measure for the daemon tests (the CLI measures
// locally): opens the files of SPEC as the user running it, exactly as `ccvm create` does, and
// prints the reply as JSON; a D-Bus error is printed as "NAME: message" with exit status 2.
#include <sdbus-c++/sdbus-c++.h>

#include <iostream>

#include "ccvm/base/encoding.hpp"
#include "ccvm/base/error.hpp"
#include "ccvm/base/json.hpp"
#include "ccvm/base/mapped_file.hpp"
#include "ccvm/platform/spec_files.hpp"
#include "org.ccvm.ccvm1_proxy.h"

namespace {

class Manager final : public sdbus::ProxyInterfaces<org::ccvm::ccvm1::Manager_proxy> {
public:
    explicit Manager(sdbus::IConnection& c) : ProxyInterfaces(c, "org.ccvm.ccvm1", "/org/ccvm/ccvm1") {
        registerProxy();
    }
    ~Manager() { unregisterProxy(); }

private:
    void onVMNew(const std::string&, const sdbus::ObjectPath&) override {}
    void onVMRemoved(const std::string&, const sdbus::ObjectPath&) override {}
};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: measure_client SPEC\n";
        return 2;
    }
    const std::string yaml = ccvm::read_text_file(argv[1]);
    std::map<std::string, sdbus::UnixFd> files;
    for (auto& [path, fd] : ccvm::platform::open_spec_files(ccvm::platform::parse_vm_spec(yaml, argv[1])))
        files.emplace(path, sdbus::UnixFd(fd.release(), sdbus::adopt_fd));
    try {
        auto connection = sdbus::createSystemBusConnection();
        Manager manager(*connection);
        const auto reply = manager.Measure(yaml, files);
        ccvm::json::Value out = ccvm::json::Value::object();
        for (const auto& [key, value] : reply) {
            if (value.containsValueOfType<std::string>()) out[key] = value.get<std::string>();
            // "expected": {"registers": a{say}, "not_computed": a{ss}}, shown with hex values.
            if (value.containsValueOfType<std::map<std::string, sdbus::Variant>>()) {
                const auto expected = value.get<std::map<std::string, sdbus::Variant>>();
                ccvm::json::Value regs = ccvm::json::Value::object(), missing = ccvm::json::Value::object();
                for (const auto& [name, bytes] :
                     expected.at("registers").get<std::map<std::string, std::vector<std::uint8_t>>>())
                    regs[name] =
                        ccvm::to_hex(ccvm::ByteSpan(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
                for (const auto& [name, why] : expected.at("not_computed").get<std::map<std::string, std::string>>())
                    missing[name] = why;
                ccvm::json::Value e = ccvm::json::Value::object();
                e["registers"] = std::move(regs);
                e["not_computed"] = std::move(missing);
                out[key] = std::move(e);
            }
        }
        std::cout << ccvm::json::dump(out, true) << "\n";
        return 0;
    } catch (const sdbus::Error& e) {
        std::cerr << e.getName() << ": " << e.getMessage() << "\n";
        return 2;
    }
}
