import Foundation
import SamenspelTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the real `samenspel` binary, built next to the test bundle.
enum Samenspel {
    /// The binary's path: SwiftPM builds it beside the test bundle because this test target depends on it.
    static let binary: String = {
        let testBundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return testBundle.appendingPathComponent("samenspel").path
    }()

    /// This process's environment with the tests' replica passphrase (`SAMENSPEL_PASSPHRASE`).
    static let environment = ProcessInfo.processInfo.environment.merging(TestPassphrase.environment) { $1 }

    /// Runs `samenspel` with arguments to completion; returns exit status, stdout and stderr.
    ///
    /// Output goes through files, not pipes, so a large output cannot block the process.
    @discardableResult
    static func run(
        _ arguments: [String], in directory: String, environment extra: [String: String] = [:]
    ) throws -> (status: Int32, out: String, err: String) {
        try runProgram(binary, arguments, in: directory, environment: extra)
    }

    /// Runs any program to completion, as ``run(_:in:)`` runs `samenspel`.
    static func runProgram(
        _ path: String, _ arguments: [String], in directory: String, environment extra: [String: String] = [:]
    ) throws -> (status: Int32, out: String, err: String) {
        let outPath = directory + "/.out-\(UUID().uuidString)"
        let errPath = directory + "/.err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = environment.merging(extra) { $1 }.filter { !$0.value.isEmpty }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, out, err)
    }

    /// Runs `samenspel` and returns its trimmed stdout, failing on a non-zero exit.
    @discardableResult
    static func output(_ arguments: [String], in directory: String) throws -> String {
        let result = try run(arguments, in: directory)
        guard result.status == 0 else {
            throw ProcessFailure(description: "samenspel \(arguments.joined(separator: " ")) exited \(result.status): \(result.err)")
        }
        return result.out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Starts `samenspel` without waiting for it; its output is discarded, or its standard error is written
    /// to the file `log` (relative to `directory`).
    static func start(_ arguments: [String], in directory: String, log: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardOutput = FileHandle.nullDevice
        if let log {
            let path = directory + "/" + log
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: path)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        return process
    }

    /// Sends SIGTERM, as systemd or a container runtime stops a service, and waits for the exit.
    static func terminate(_ process: Process) {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
    }

    /// Kills a process with SIGKILL, as a crash or a power cut would stop it, and waits for it.
    static func killNine(_ process: Process) {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    let description: String
}

/// A TCP port on loopback that nothing listens on right now.
func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Waits until a server answers `/health` on the port (or gives up after `seconds`).
func waitForHealth(port: Int, seconds: Double = 20) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let url = URL(string: "http://127.0.0.1:\(port)/health"),
            let (_, response) = try? await URLSession.shared.data(from: url),
            (response as? HTTPURLResponse)?.statusCode == 200
        {
            return
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw ProcessFailure(description: "the server on port \(port) did not come up")
}
