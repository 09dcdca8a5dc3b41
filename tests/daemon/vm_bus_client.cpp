// A raw D-Bus client of one VM object for the daemon tests, so that they see the interface as any
// client does and not through the CLI: `properties VM` prints the typed properties, `start VM`
// calls Start and prints the PropertiesChanged signals the object emitted meanwhile. Each value is
// printed as {"type": D-Bus signature, "value": ...} (byte arrays as hex). A D-Bus error is printed as
// "NAME: message" with exit status 2.
#include <sdbus-c++/sdbus-c++.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <iostream>
#include <mutex>
#include <vector>

#include "ccvm/base/bytes.hpp"
#include "ccvm/base/encoding.hpp"
#include "ccvm/base/json.hpp"

namespace {

using ccvm::json::Value;
using VarDict = std::map<std::string, sdbus::Variant>;

constexpr const char* kService = "org.ccvm.ccvm1";
constexpr const char* kVmInterface = "org.ccvm.ccvm1.VM";

std::string hex(const std::vector<std::uint8_t>& bytes) {
    return ccvm::to_hex(ccvm::ByteSpan(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
}

Value typed(const sdbus::Variant& v);

Value value_of(const sdbus::Variant& v) {
    const std::string type = v.peekValueType();
    if (type == "s") return v.get<std::string>();
    if (type == "u") return static_cast<unsigned long long>(v.get<std::uint32_t>());
    if (type == "t") return static_cast<unsigned long long>(v.get<std::uint64_t>());
    if (type == "ay") return hex(v.get<std::vector<std::uint8_t>>());
    Value out = ccvm::json::Value::object();
    if (type == "a{ss}") {
        for (const auto& [k, s] : v.get<std::map<std::string, std::string>>()) out[k] = s;
    } else if (type == "a{say}") {
        for (const auto& [k, b] : v.get<std::map<std::string, std::vector<std::uint8_t>>>()) out[k] = hex(b);
    } else if (type == "a{sv}") {
        for (const auto& [k, inner] : v.get<VarDict>()) out[k] = typed(inner);
    } else {
        return "(type not shown by this client)";
    }
    return out;
}

Value typed(const sdbus::Variant& v) {
    Value out = ccvm::json::Value::object();
    out["type"] = v.peekValueType();
    out["value"] = value_of(v);
    return out;
}

sdbus::ObjectPath vm_path(const std::string& name) {
    auto manager = sdbus::createProxy(sdbus::createSystemBusConnection(), kService, "/org/ccvm/ccvm1");
    sdbus::ObjectPath path;
    manager->callMethod("GetVM").onInterface("org.ccvm.ccvm1.Manager").withArguments(name).storeResultsTo(path);
    return path;
}

int properties(const std::string& name) {
    auto vm = sdbus::createProxy(sdbus::createSystemBusConnection(), kService, vm_path(name));
    Value out = ccvm::json::Value::object();
    for (const char* property : {"Tee", "ExpectedMeasurement", "LaunchMeasurement", "Attestation"})
        out[property] = typed(vm->getProperty(property).onInterface(kVmInterface));
    std::cout << ccvm::json::dump(out, true) << "\n";
    return 0;
}

// The signals seen while Start ran, and until the VM's state left "starting" (or 10 s passed).
int start(const std::string& name) {
    // Declared before the proxy: its signal thread uses them until the proxy is gone.
    std::mutex mutex;
    std::condition_variable settled;
    Value signals = ccvm::json::Value::array();
    bool done = false;
    auto vm = sdbus::createProxy(sdbus::createSystemBusConnection(), kService, vm_path(name));
    vm->uponSignal("PropertiesChanged")
        .onInterface("org.freedesktop.DBus.Properties")
        .call([&](const std::string& interface, const VarDict& changed, const std::vector<std::string>&) {
            if (interface != kVmInterface) return;
            Value signal = ccvm::json::Value::object();
            for (const auto& [property, value] : changed) signal[property] = typed(value);
            std::lock_guard lock(mutex);
            const auto state = changed.find("State");
            if (state != changed.end() && state->second.get<std::string>() != "starting") done = true;
            signals.push_back(std::move(signal));
            settled.notify_all();
        });
    vm->finishRegistration();
    vm->callMethod("Start").onInterface(kVmInterface).withTimeout(std::chrono::seconds(60));
    std::unique_lock lock(mutex);
    settled.wait_for(lock, std::chrono::seconds(10), [&] { return done; });
    std::cout << ccvm::json::dump(signals, true) << "\n";
    lock.unlock();
    vm.reset();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: vm_bus_client properties|start VM\n";
        return 2;
    }
    const std::string command = argv[1];
    try {
        if (command == "properties") return properties(argv[2]);
        if (command == "start") return start(argv[2]);
        std::cerr << "unknown command " << command << "\n";
        return 2;
    } catch (const sdbus::Error& e) {
        std::cerr << e.getName() << ": " << e.getMessage() << "\n";
        return 2;
    }
}
