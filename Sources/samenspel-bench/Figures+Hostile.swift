import AsyncHTTPClient
import Casework
import Foundation
import NIOCore
import NIOHTTP1
import SyncProtocol
import SyncServer

extension Figures {
    // MARK: Hostile traffic

    /// Requests with a forged token whose body is a gzip bomb (20 MB of zeros in under 100 KB) against the
    /// same number with the same bytes sent plain: the server must answer before reading either body, so
    /// the bomb costs no more memory or time than the plain bytes.
    static func hostile(_ sizes: Sizes, _ folder: String, _ backend: BenchBackend, _ report: inout Report) async throws {
        let office = try await Office(directory: folder, clients: 1, backend: backend)
        let server = try office.restartServer()
        defer { server.stop() }
        let bomb = try WireCompression.gzip(ByteBuffer(repeating: UInt8(ascii: "0"), count: 20 * 1024 * 1024))
        var text = NoteText(seed: 7)
        var plain = ByteBuffer()
        while plain.readableBytes < bomb.readableBytes { plain.writeString(text.make()) }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        func send(_ body: ByteBuffer, gzip: Bool) async throws -> [Double] {
            var times: [Double] = []
            for _ in 0..<sizes.hostile {
                var request = HTTPClientRequest(url: server.baseURL + "/v1/push")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer sst_forged-token-of-an-attacker")
                request.headers.add(name: "Content-Type", value: "application/json")
                if gzip { request.headers.add(name: "Content-Encoding", value: "gzip") }
                request.body = .bytes(body)
                let (response, seconds) = try await timed {
                    try await client.execute(request, timeout: .seconds(30))
                }
                guard [401, 429].contains(response.status.code) else {
                    throw BenchError("a forged token was answered \(response.status.code)")
                }
                _ = try await response.body.collect(upTo: 1 << 16)
                times.append(seconds)
            }
            return times
        }
        let idle = try server.peakResidentBytes()
        let plainTimes = try await send(plain, gzip: false)
        let afterPlain = try server.peakResidentBytes()
        let bombTimes = try await send(bomb, gzip: true)
        let afterBomb = try server.peakResidentBytes()
        let megabyte = 1_048_576.0
        let rise = Double(afterBomb - idle) / megabyte
        report.add(
            Figure(
                id: "hostileMemory", backend: backend.name,
                name: "server memory, \(sizes.hostile) forged-token requests with a \(bomb.readableBytes / 1024) KB gzip bomb",
                value: rise, unit: "MB above idle", baseline: Double(afterPlain - idle) / megabyte,
                baselineName: "the same bytes sent plain, MB", ratio: nil, target: "≤ 20 MB above idle", met: rise <= 20,
                details: ["idleMB": String(format: "%.1f", Double(idle) / megabyte)]))
        let median = quantile(bombTimes, 0.5) * 1000
        let plainMedian = quantile(plainTimes, 0.5) * 1000
        report.add(
            Figure(
                id: "hostileLatency", backend: backend.name,
                name: "answer to a forged token with a gzip bomb (median)", value: median, unit: "ms",
                baseline: plainMedian, baselineName: "same bytes plain, ms", ratio: median / plainMedian,
                target: "≤ 5 ms", met: median <= 5,
                details: ["p99": String(format: "%.2f", quantile(bombTimes, 0.99) * 1000)]))

        // A stolen laptop, revoked, keeps hammering the server: its refusals are summarised per source and
        // minute, so the audit log grows by a few rows, not one per request (the baseline: as it did before).
        let professional = try await office.admin.createProfessional(name: "Gestolen laptop", discipline: .clientManager, teamIds: [office.team])
        var enroll = HTTPClientRequest(url: server.baseURL + "/v1/enroll")
        enroll.method = .POST
        enroll.headers.add(name: "Content-Type", value: "application/json")
        enroll.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(
            EnrollRequest(code: try await office.admin.issueEnrollmentCode(professionalId: professional.id), deviceName: "laptop"))))
        let enrolled = try await client.execute(enroll, timeout: .seconds(30))
        let device = try WireCoding.makeDecoder().decode(EnrollResponse.self, from: Data(try await enrolled.body.collect(upTo: 1 << 16).readableBytesView))
        let token = device.token
        try await office.admin.revokeDevice(device.deviceId)
        let rowsBefore = try await office.store.auditEntries(clientId: nil, actor: nil).count
        let flood = 2 * sizes.hostile
        var answers: [UInt: Int] = [:]
        for _ in 0..<flood {
            var request = HTTPClientRequest(url: server.baseURL + "/v1/push")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"changes":[]}"#))
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 16)
            answers[response.status.code, default: 0] += 1
        }
        guard Set(answers.keys).isSubset(of: [401, 429]) else {
            throw BenchError("a revoked token was answered \(answers.keys.sorted())")
        }
        // Stopped, the server writes out the counts of the minute still running: every refusal is audited.
        server.stop()
        let added = try await office.store.auditEntries(clientId: nil, actor: nil).dropFirst(rowsBefore)
        let rows = added.count
        // (The rows added also hold the counts of the forged-token requests above, written out at the stop.)
        let audited = added.filter { $0.result == ErrorCode.deviceRevoked.rawValue }
            .reduce(0) { $0 + (Int($1.details["repeated"] ?? "") ?? 1) }  // a summary counts the ones after the first
        // Every 401 is audited (counted); a 429 is the rate limit answering before the token is looked at.
        guard audited == answers[401, default: 0] else {
            throw BenchError("\(audited) of \(answers[401, default: 0]) refusals with 401 were audited")
        }
        report.add(
            Figure(
                id: "revokedAudit", backend: backend.name,
                name: "audit rows added by \(flood) pushes with a revoked token", value: Double(rows), unit: "rows",
                baseline: Double(flood), baselineName: "one row per request, as before", ratio: Double(rows) / Double(flood),
                target: "≤ 100", met: rows <= 100,
                details: [
                    "answers": answers.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " "),
                    "refusalsAudited": String(audited),
                ]))
    }
}
