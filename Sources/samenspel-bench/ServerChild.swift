import ArgumentParser
import Foundation
import Logging
import SyncServer
import UnixSignals

/// `samenspel-bench serve-child`: the server in a process of its own (so that its memory can be read from
/// `/proc`), on SQLite in `--data`, on a free loopback port that it prints as `port N` on stdout.
struct ServeChild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-child", abstract: "Run a server for the benchmark (used by the benchmark itself).",
        shouldDisplay: false)

    @Option(help: "SQLite data folder.") var data: String?
    @Option(help: "A migrated PostgreSQL database instead (one of several instances on it).") var postgres: String?
    @Option(help: "The master key file every instance on the PostgreSQL database shares.") var masterKey: String?
    @Flag(help: "Store payloads unsealed: the baseline of the encryption figure.") var storeUnsealed = false

    func run() async throws {
        var logger = Logger(label: "samenspel.bench.server")
        logger.logLevel = .warning
        let server: RunningServer
        if let postgres {
            guard let masterKey else { throw ValidationError("give --master-key with --postgres") }
            let store = try PostgresSyncStore(
                url: postgres, maxConnections: 10, logger: logger, masterKey: try MasterKey.load(.file(masterKey)))
            if storeUnsealed { store.keyring.storeUnsealedForBenchmarks() }
            server = try await RunningServer.start(
                store: store, configuration: ServerConfiguration(port: 0), services: [store],
                shutdownSignals: [.sigterm, .sigint], logger: logger)
        } else {
            guard let data else { throw ValidationError("give --data or --postgres") }
            let store = try SQLiteSyncStore(directory: data)
            if storeUnsealed { store.keyring.storeUnsealedForBenchmarks() }
            server = try await RunningServer.start(
                store: store, configuration: ServerConfiguration(port: 0),
                shutdownSignals: [.sigterm, .sigint], logger: logger)
        }
        FileHandle.standardOutput.write(Data("port \(server.port)\n".utf8))
        try await server.wait()
    }
}

/// The master key of the benchmark's PostgreSQL stores, in a file that its server processes are given too.
enum BenchMasterKey {
    /// The file, in the temporary folder, made by the first use in this process.
    static let path = NSTemporaryDirectory() + "/samenspel-bench-master-\(ProcessInfo.processInfo.processIdentifier).key"
    /// The key in the file.
    static var key: MasterKey {
        get throws { try MasterKey.load(.file(path)) }
    }
}

/// A server child process and what the benchmark reads of it.
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let baseURL: String
    let directory: String

    /// Starts `samenspel-bench serve-child` on SQLite in `directory` and waits until it listens.
    /// `sealed: false` stores payloads unsealed (the encryption figure's baseline).
    convenience init(directory: String, sealed: Bool = true) throws {
        try self.init(arguments: ["--data", directory] + (sealed ? [] : ["--store-unsealed"]), directory: directory)
    }

    /// Starts `samenspel-bench serve-child` on a migrated PostgreSQL database and waits until it listens.
    convenience init(postgres url: String, sealed: Bool = true) throws {
        try self.init(
            arguments: ["--postgres", url, "--master-key", BenchMasterKey.path] + (sealed ? [] : ["--store-unsealed"]),
            directory: "")
    }

    private init(arguments: [String], directory: String) throws {
        self.directory = directory
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["serve-child"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        self.process = process
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BenchError("the benchmark server did not start") }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("port "), let port = Int(text.dropFirst(5)) else {
            throw BenchError("the benchmark server printed \(text)")
        }
        baseURL = "http://127.0.0.1:\(port)"
    }

    /// Peak resident memory (VmHWM) in bytes.
    func peakResidentBytes() throws -> Int64 { try Self.statusField("VmHWM", pid: process.processIdentifier) }

    /// Stops the process with SIGTERM and waits.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    static func statusField(_ name: String, pid: Int32) throws -> Int64 {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
            let kilobytes = Int64(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { throw BenchError("no \(name) in /proc/\(pid)/status") }
        return kilobytes * 1024
    }
}

/// Bytes received on the loopback interface so far (every byte sent on loopback is received once).
func loopbackBytes() throws -> Int64 {
    let table = try String(contentsOfFile: "/proc/net/dev", encoding: .utf8)
    guard let line = table.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("lo:") }),
        let received = line.split(separator: ":")[1].split(separator: " ", omittingEmptySubsequences: true).first,
        let bytes = Int64(received)
    else { throw BenchError("cannot read loopback counters from /proc/net/dev") }
    return bytes
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
