import Foundation
public import Logging
import PostgresNIO

/// A throwaway PostgreSQL database for one test, on the server named by `SAMENSPEL_POSTGRES_URL`
/// (e.g. `postgres://postgres@127.0.0.1:5432/postgres`; `.ci/run` starts one and sets it).
public struct PostgresTestDatabase: Sendable {
    /// The URL of the new database.
    public let url: String
    let name: String
    let adminURL: String

    /// The server's URL, if configured.
    public static var serverURL: String? {
        let url = ProcessInfo.processInfo.environment["SAMENSPEL_POSTGRES_URL"]
        return url?.isEmpty == false ? url : nil
    }

    /// In CI the PostgreSQL tests must run: a missing server is a failure there, not a skip.
    public static var required: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether tests that need PostgreSQL run: when a server is configured, and always in CI (where
    /// ``create(logger:)`` then fails loudly if it is not).
    public static var enabled: Bool { serverURL != nil || required }

    /// Creates a new, empty database.
    public static func create(logger: Logger = Logger(label: "test.postgres")) async throws -> PostgresTestDatabase {
        guard let serverURL else {
            throw PostgresTestError(description: "SAMENSPEL_POSTGRES_URL is not set: the PostgreSQL tests need a server")
        }
        let name = "samenspel_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await Self.execute("CREATE DATABASE \(name)", on: serverURL, logger: logger)
        var components = URLComponents(string: serverURL)!
        components.path = "/" + name
        return PostgresTestDatabase(url: components.string!, name: String(name), adminURL: serverURL)
    }

    /// Drops the database (closing its connections).
    public func drop(logger: Logger = Logger(label: "test.postgres")) async {
        try? await Self.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: adminURL, logger: logger)
    }

    /// The whole number the query's first row starts with (e.g. a `count(*)`).
    public static func integer(_ sql: String, on url: String, logger: Logger = Logger(label: "test.postgres")) async throws
        -> Int
    {
        let connection = try await PostgresConnection.connect(configuration: configuration(url), id: 1, logger: logger)
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            var value = 0
            for try await number in rows.decode(Int64.self) { value = Int(number) }
            try await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Holds the server's log lock (the advisory lock every append takes first) in a transaction until
    /// `release` finishes: pushes on any instance then wait inside their transactions.
    public static func holdingLogLock(
        on url: String, logger: Logger = Logger(label: "test.postgres"), until release: @Sendable () async throws -> Void
    ) async throws {
        let connection = try await PostgresConnection.connect(configuration: configuration(url), id: 1, logger: logger)
        do {
            try await connection.query("BEGIN", logger: logger)
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.logLock))", logger: logger)
            try await release()
            try await connection.query("COMMIT", logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// `PostgresSchema.logLock` of the server.
    static let logLock: Int64 = 0x53_414D_0002

    /// A PostgreSQL client program (`pg_dump`, `pg_restore`) of the newest installed major version, or from PATH.
    public static func tool(_ name: String) -> String? {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        for version in versions.compactMap(Int.init).sorted(by: >) {
            let path = "/usr/lib/postgresql/\(version)/bin/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Runs a PostgreSQL client program (``tool(_:)``: `pg_dump`, `pg_restore`, `psql`) to its end, without
    /// blocking a thread of the cooperative pool; throws when it is not installed or exits with a failure,
    /// with what it wrote to standard error.
    public static func runTool(_ name: String, _ arguments: [String]) async throws {
        guard let path = tool(name) else { throw PostgresTestError(description: "\(name) is not installed") }
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("samenspel-\(name)-\(UUID()).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in done.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                done.resume(throwing: error)
            }
        }
        guard process.terminationStatus == 0 else {
            let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw PostgresTestError(description: "\(name) exited \(process.terminationStatus): \(message.prefix(2000))")
        }
    }

    /// Runs one statement on a database.
    public static func execute(_ sql: String, on url: String, logger: Logger) async throws {
        let connection = try await PostgresConnection.connect(configuration: configuration(url), id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}

struct PostgresTestError: Error, CustomStringConvertible {
    let description: String
}

extension PostgresTestDatabase {
    static func configuration(_ url: String) -> PostgresConnection.Configuration {
        let components = URLComponents(string: url)!
        return PostgresConnection.Configuration(
            host: components.host ?? "127.0.0.1", port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: String(components.path.dropFirst()), tls: .disable)
    }
}
