public import Casework
public import ChangeLog
import SyncProtocol

/// Teams, professionals, clients and devices of the reference store.
extension MemorySyncStore {
    public func createTeam(_ team: TeamRecord) async throws {
        try transaction { state in
            guard state.teams[team.id] == nil else { throw StoreError.exists }
            state.teams[team.id] = team
        }
    }

    public func createProfessional(_ professional: Professional, teamIds: [String], createdAt: Int64) async throws {
        try transaction { state in
            for teamId in teamIds where state.teams[teamId] == nil {
                throw StoreError(code: .notFound, message: "no team with id \(teamId)")
            }
            guard state.professionals[professional.id] == nil else { throw StoreError.exists }
            state.professionals[professional.id] = professional
            state.memberships[professional.id] = Set(teamIds)
        }
    }

    public func registerClient(_ client: ClientRecord, registration: Change) async throws {
        try transaction { state in
            guard state.teams[client.teamId] != nil else {
                throw StoreError(code: .notFound, message: "no team with id \(client.teamId)")
            }
            guard state.clients[client.id] == nil, !state.log.contains(where: { $0.change.id == registration.id }) else {
                throw StoreError.exists
            }
            state.clients[client.id] = ClientRecord(id: client.id, teamId: client.teamId, createdAt: client.createdAt)
            state.spans[client.id] = [TeamSpan(teamId: client.teamId, from: nil, to: nil)]
            state.append(registration, receivedAt: client.createdAt)
        }
    }

    public func moveClient(_ clientId: String, toTeam teamId: String, change: Change) async throws {
        try transaction { state in
            guard let client = state.clients[clientId] else {
                throw StoreError(code: .notFound, message: "no client with id \(clientId)")
            }
            guard client.erasedAt == nil else { throw StoreError.erased(clientId) }
            guard state.teams[teamId] != nil else { throw StoreError(code: .notFound, message: "no team with id \(teamId)") }
            guard client.teamId != teamId else {
                throw StoreError(code: .invalidInput, message: "the client is already in team \(teamId)")
            }
            let position = state.append(change, receivedAt: change.hlc.wallMillis)
            state.spans[clientId] = (state.spans[clientId] ?? []).map { span in
                span.to == nil ? TeamSpan(teamId: span.teamId, from: span.from, to: change.hlc, endSeq: position) : span
            } + [TeamSpan(teamId: teamId, from: change.hlc, to: nil)]
            state.clients[clientId] = ClientRecord(id: clientId, teamId: teamId, createdAt: client.createdAt)
            state.scopeEvents.append(
                ScopeEventRecord(position: position, clientId: clientId, fromTeam: client.teamId, toTeam: teamId, holders: []))
        }
    }

    public func teams() async throws -> [TeamRecord] {
        read { $0.teams.values.sorted { ($0.name, $0.id) < ($1.name, $1.id) } }
    }

    public func professionals() async throws -> [ProfessionalRecord] {
        read { state in
            state.professionals.values.sorted { ($0.name, $0.id) < ($1.name, $1.id) }.map {
                ProfessionalRecord(professional: $0, teamIds: (state.memberships[$0.id] ?? []).sorted())
            }
        }
    }

    public func clients() async throws -> [ClientRecord] {
        read { state in
            state.clients.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }.map { client in
                var client = client
                let registration = state.log.first {
                    $0.change.clientId == client.id && $0.change.entityType == "client" && $0.change.operation == "register"
                }
                if case .string(let name)? = registration?.change.payload["name"] { client.name = name }
                return client
            }
        }
    }

    public func eraseClient(_ clientId: String, tombstone: Change, at: Int64, audit: @escaping @Sendable (Int) -> AuditEntry)
        async throws -> Int
    {
        try transaction { state in
            guard let client = state.clients[clientId] else {
                throw StoreError(code: .notFound, message: "no client \(clientId) to erase")
            }
            guard client.erasedAt == nil else { throw StoreError.erased(clientId) }
            let erased = state.log.filter { $0.change.clientId == clientId }.map(\.change.id)
            let holders = Set((state.spans[clientId] ?? []).map(\.teamId) + [client.teamId])
            state.log.removeAll { $0.change.clientId == clientId }
            for id in erased { state.refused[id] = nil }
            state.spans[clientId] = nil
            state.clients[clientId]?.erasedAt = at
            let position = state.append(tombstone, receivedAt: at)
            state.scopeEvents.append(
                ScopeEventRecord(position: position, clientId: clientId, fromTeam: client.teamId, toTeam: "", holders: holders))
            try state.appendAudit(audit(erased.count), keys: auditKeys)
            return erased.count
        }
    }
}

// MARK: - Devices

extension MemorySyncStore {
    public func saveEnrollmentCode(hash: String, professionalId: String, createdAt: Int64, expiresAt: Int64) async throws {
        try transaction { state in
            guard state.professionals[professionalId] != nil else {
                throw StoreError(code: .notFound, message: "no professional with id \(professionalId)")
            }
            guard state.codes[hash] == nil else { throw StoreError.exists }
            state.codes[hash] = CodeState(professionalId: professionalId, expiresAt: expiresAt)
        }
    }

    public func redeemEnrollmentCode(hash: String, device: NewDevice, now: Int64) async throws -> Professional? {
        try transaction { state in
            guard let code = state.codes[hash], code.usedAt == nil, code.expiresAt > now,
                let professional = state.professionals[code.professionalId]
            else { return nil }
            state.codes[hash]?.usedAt = now
            try state.addDevice(device, professionalId: professional.id, enrolledAt: now, lastSeenAt: now)
            return professional
        }
    }

    public func authenticate(tokenHash: String, now: Int64) async throws -> Authentication? {
        try transaction { state in
            guard let device = state.devices.values.first(where: { $0.tokenHash == tokenHash }) else { return nil }
            if device.revokedAt != nil { return .revoked(deviceId: device.id) }
            guard let professional = state.professionals[device.professionalId] else { return nil }
            if (device.lastSeenAt ?? 0) < now - 60_000 { state.devices[device.id]?.lastSeenAt = now }
            return .valid(
                Principal(deviceId: device.id, professional: professional, teamIds: state.memberships[professional.id] ?? []))
        }
    }

    public func devices() async throws -> [DeviceRecord] {
        read { state in
            state.devices.values.sorted { ($0.enrolledAt, $0.id) < ($1.enrolledAt, $1.id) }.compactMap { device in
                state.professionals[device.professionalId].map {
                    DeviceRecord(
                        id: device.id, professional: $0, name: device.name, enrolledAt: device.enrolledAt,
                        lastSeenAt: device.lastSeenAt, revokedAt: device.revokedAt)
                }
            }
        }
    }

    public func revokeDevice(_ deviceId: String, at: Int64) async throws -> Bool {
        try transaction { state in
            guard let device = state.devices[deviceId] else { return false }
            guard device.revokedAt == nil else {
                throw StoreError(code: .invalidInput, message: "device \(deviceId) was revoked before")
            }
            state.devices[deviceId]?.revokedAt = at
            return true
        }
    }

    public func restoreDevice(_ device: NewDevice, professionalId: String, enrolledAt: Int64, codeHash: String?)
        async throws -> Bool
    {
        try transaction { state in
            guard state.devices[device.id] == nil else { return false }
            try state.addDevice(device, professionalId: professionalId, enrolledAt: enrolledAt, lastSeenAt: nil)
            // A code spent after the backup stays spent.
            if let codeHash, state.codes[codeHash]?.usedAt == nil { state.codes[codeHash]?.usedAt = enrolledAt }
            return true
        }
    }

    public func markTold(deviceId: String, clientId: String) async throws {
        try transaction { state in
            let last = state.scopeEvents.last { $0.clientId == clientId }?.position ?? 0
            if let device = state.devices[deviceId], device.pulledTo < last { state.devices[deviceId]?.pulledTo = last }
        }
    }
}
