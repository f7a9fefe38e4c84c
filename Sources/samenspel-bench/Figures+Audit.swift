import Foundation
import SyncServer

extension Figures {
    /// The audit log under concurrent requests: every pull, digest and history request appends an entry to
    /// one hash chain. Entries of concurrent requests share a transaction (group commit); the baseline is
    /// the same store made with `auditBatch: 1`, which writes each entry in a transaction of its own as
    /// before (not through the group commit), in the same run.
    static func audit(_ sizes: Sizes, _ folder: String, _ backend: BenchBackend, _ report: inout Report) async throws {
        let requests = sizes.devices, perRequest = 5
        let alone = try await auditRate(batch: 1, requests: requests, perRequest: perRequest, folder, backend)
        let grouped = try await auditRate(batch: 500, requests: requests, perRequest: perRequest, folder, backend)
        report.add(
            Figure(
                id: "audit", backend: backend.name,
                name: "audit entries of \(requests) concurrent requests (\(perRequest) each)",
                value: grouped.rate, unit: "entries/s", baseline: alone.rate,
                baselineName: "one transaction per entry, as before", ratio: grouped.rate / alone.rate,
                target: "reported; ≥ 1× baseline", met: grouped.rate >= alone.rate && grouped.intact && alone.intact,
                details: ["chainVerified": String(grouped.intact && alone.intact)]))
    }

    private static func auditRate(
        batch: Int, requests: Int, perRequest: Int, _ folder: String, _ backend: BenchBackend
    ) async throws -> (rate: Double, intact: Bool) {
        let store: any SyncStore
        var close: @Sendable () async -> Void = {}
        switch backend {
        case .sqlite:
            store = try SQLiteSyncStore(directory: folder + "/audit-\(batch)", auditBatch: batch)
        case .postgresql(let url):
            let database = try await BenchDatabase.create(on: url, logger: .bench)
            let running = try await RunningPostgresStore(
                url: database.url, logger: .bench, maxConnections: 8, auditBatch: batch)
            store = running.store
            close = {
                running.close()
                await database.drop(logger: .bench)
            }
        }
        let start = now()
        let seconds: Double
        let verification: AuditVerification
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for request in 0..<requests {
                    group.addTask {
                        for index in 0..<perRequest {
                            try await store.appendAudit(AuditEntry(
                                at: Int64(index), actor: "professional-\(request)", deviceId: "device-\(request)",
                                action: "pull", details: ["changes": "10"], origin: "127.0.0.1"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            seconds = now() - start
            verification = try await store.verifyAudit()
        } catch {
            await close()
            throw error
        }
        await close()
        return (Double(requests * perRequest) / seconds,
                verification.firstBroken == nil && verification.entries == requests * perRequest)
    }
}
