// swift-tools-version: 6.0
import PackageDescription

/// Whole-program specialisation across modules: the simulator's generic core (scheduler, tables,
/// byte queues) is otherwise called through unspecialised generics from the modules above it.
let optimize: [SwiftSetting] = [
    .unsafeFlags(["-cross-module-optimization", "-enforce-exclusivity=unchecked"], .when(configuration: .release))
]

let package = Package(
    name: "tcpsim",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tcpsim", targets: ["tcpsim"]),
        .library(name: "TCPSimKit", targets: ["Simulation", "PcapIO", "Replay"]),
        .library(name: "TCPSimReplayTesting", targets: ["ReplayTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // Pure core: no Foundation, Glibc or libpcap.
        .target(name: "SimClock", swiftSettings: optimize),
        .target(name: "TCPWire", swiftSettings: optimize),
        .target(name: "IPConfig", swiftSettings: optimize),
        .target(name: "TCPCore", dependencies: ["TCPWire", "SimClock", "IPConfig"], swiftSettings: optimize),
        .target(name: "TCPSockets", dependencies: ["TCPCore"], swiftSettings: optimize),
        .target(name: "Devices", dependencies: ["TCPWire", "SimClock"], swiftSettings: optimize),
        .target(name: "Simulation", dependencies: ["TCPSockets", "Devices"], swiftSettings: optimize),
        .target(name: "Scenario", dependencies: ["TCPWire", "SimClock"], swiftSettings: optimize),
        .target(name: "ScenarioRunner", dependencies: ["Scenario", "Simulation", "SimClock", "TCPCore", "TCPSockets"], swiftSettings: optimize),
        // OS adapters.
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .target(name: "PcapIO", dependencies: ["CPcap", "Devices", "SimClock"]),
        .target(name: "CTun"),
        .target(name: "CAppShim"),
        .target(name: "CApp", dependencies: ["CAppShim", "Simulation", "IPConfig", "TCPSockets", "TCPWire", "SimClock"],
                resources: [.copy("Runtime")], swiftSettings: optimize),
        .target(name: "Stepper", dependencies: ["Simulation", "Scenario", "ScenarioRunner", "Replay", "IPConfig", "TCPCore", "TCPSockets", "SimClock"]),
        .target(name: "ReplayTesting", dependencies: ["Replay", "IPConfig"]),
        .target(name: "Replay", dependencies: ["PcapIO", "Simulation", "Scenario", "ScenarioRunner", "IPConfig", "Devices", "TCPWire", "SimClock"]),
        .target(name: "LiveDevice", dependencies: ["CTun", "Simulation", "PcapIO", "IPConfig", "Devices", "TCPWire"],
                swiftSettings: optimize),
        // Command line and benchmarks.
        .executableTarget(
            name: "tcpsim",
            dependencies: [
                "Simulation", "PcapIO", "ScenarioRunner", "LiveDevice", "Replay", "Stepper", "CTun", "CApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "CFuzzDriver"),
        .executableTarget(name: "tcpsim-fuzz", dependencies: ["CFuzzDriver", "Simulation", "Scenario", "IPConfig", "Replay", "Stepper", "TCPWire", "TCPCore", "TCPSockets", "SimClock"]),
        .executableTarget(name: "tcpsim-bench", dependencies: ["Simulation", "PcapIO", "ScenarioRunner", "LiveDevice", "CTun", "Replay", "CApp"]),
        // Tests.
        .testTarget(name: "TCPWireTests", dependencies: ["TCPWire", "SimClock"]),
        .testTarget(name: "SimClockTests", dependencies: ["SimClock"]),
        .testTarget(name: "TCPCoreTests", dependencies: ["TCPCore"]),
        .testTarget(name: "IPConfigTests", dependencies: ["IPConfig", "SimClock"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "PcapIO"]),
        .testTarget(name: "FreeRTOSTests", dependencies: ["Simulation"], swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "PcapIOTests", dependencies: ["PcapIO", "SimClock"]),
        .testTarget(name: "CLITests", dependencies: ["tcpsim"]),
        .testTarget(name: "LiveDeviceTests", dependencies: ["tcpsim"]),
        .testTarget(name: "StepperTests", dependencies: ["Stepper", "Replay", "Simulation", "Scenario", "IPConfig", "TCPCore", "SimClock", "tcpsim"],
                    swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "ReplayTests", dependencies: ["Replay", "ReplayTesting", "PcapIO", "Simulation", "tcpsim"],
                    swiftSettings: [.swiftLanguageMode(.v5)]),
        .testTarget(name: "ScenarioTests", dependencies: ["Scenario"]),
        .testTarget(name: "CAppTests", dependencies: ["CApp", "Simulation", "PcapIO", "Devices", "IPConfig", "SimClock", "TCPCore", "ScenarioRunner", "Scenario"]),
        .testTarget(name: "ScenarioRunnerTests", dependencies: ["ScenarioRunner"], swiftSettings: [.swiftLanguageMode(.v5)]),
    ]
)
