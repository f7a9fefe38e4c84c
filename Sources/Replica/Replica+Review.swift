public import Casework
import ChangeLog
import GRDB
import SQLiteSupport

/// One open conflict: concurrent edits left several current versions of a note, an intervention, a
/// sub-goal, an agreement, a referral's answer, a vacancy or a contact field. Every version is kept; a new edit
/// that supersedes them all resolves it (``Replica/reviseNote(noteId:text:behaviour:determinants:)``,
/// ``Replica/updateIntervention(interventionId:status:targets:)``, ``Replica/updateGoal(goalId:_:)``,
/// ``Replica/updateAgreement(agreementId:_:)``, ``Replica/answerReferral(referralId:_:)``,
/// ``Replica/updateVacancy(vacancyId:_:)``, ``Replica/setContact(clientId:_:to:)``).
public struct Conflict: Hashable, Sendable {
    /// What is conflicted.
    public enum Kind: String, Hashable, Sendable {
        case note, intervention, goal, agreement, referral, vacancy, contact
    }

    /// The client.
    public let clientId: String
    /// The client's name, if known.
    public let clientName: String?
    /// Note, intervention, sub-goal, agreement, referral, vacancy or contact field.
    public let kind: Kind
    /// The note, intervention, sub-goal or agreement id, or the client id for a contact field.
    public let entityId: String
    /// The contact field, for `contact` conflicts.
    public let field: ContactField?
    /// The competing versions, in display order; the last one is shown as current.
    public let versions: [Version]

    /// One competing version.
    public struct Version: Hashable, Sendable {
        /// Its change id.
        public let changeId: String
        /// When it was written (ISO 8601, UTC).
        public let at: String
        /// Who wrote it.
        public let by: JourneyActor
        /// A one-line summary (text, status, title or value).
        public let summary: String
    }
}

extension Replica {
    /// Every open conflict in the replica, by client and kind; the versions' summaries in `language`
    /// (statuses, determinants and dates as the professional reads them, `15-01-2027`).
    public func conflicts(in language: Language = .en) async throws -> [Conflict] {
        let nl = language == .nl
        func due(_ date: String?) -> String {
            guard let date, let parsed = CalendarDate(date) else { return "" }
            let parts = parsed.text.split(separator: "-")
            return (nl ? " · uiterlijk " : " · due ") + "\(parts[2])-\(parts[1])-\(parts[0])"
        }
        func status<Status: RawRepresentable & Labelled>(_ raw: String?, as: Status.Type) -> String
        where Status.RawValue == String {
            raw.flatMap(Status.init(rawValue:))?.label(in: language) ?? raw ?? "?"
        }
        let candidates = try await pool.read { db in
            // Entities with several heads; for the client entity, contact fields are checked one by one below.
            try String.fetchAll(db, sql: "SELECT DISTINCT client_id FROM entities WHERE head_ids LIKE '%,%' ORDER BY client_id")
        }
        var conflicts: [Conflict] = []
        for clientId in candidates {
            let journey = try await journey(clientId: clientId)
            let name = journey.client.name
            for field in journey.client.contact where field.conflicted {
                conflicts.append(Conflict(
                    clientId: clientId, clientName: name, kind: .contact, entityId: clientId, field: field.field,
                    versions: field.revisions.filter(\.isHead).map {
                        .init(changeId: $0.changeId, at: $0.at, by: $0.by, summary: $0.value ?? (nl ? "(gewist)" : "(cleared)"))
                    }))
            }
            for note in journey.notes where note.conflicted {
                conflicts.append(Conflict(
                    clientId: clientId, clientName: name, kind: .note, entityId: note.id, field: nil,
                    versions: note.revisions.filter(\.isHead).map {
                        .init(changeId: $0.changeId, at: $0.at, by: note.by, summary: $0.text)
                    }))
            }
            for intervention in journey.interventions where intervention.conflicted {
                conflicts.append(Conflict(
                    clientId: clientId, clientName: name, kind: .intervention, entityId: intervention.id, field: nil,
                    versions: Self.headVersions(of: intervention.id, in: journey) {
                        status($0.status, as: InterventionStatus.self) + (nl ? ", gericht op " : ", on ")
                            + ($0.targets ?? []).map { $0.label(in: language) }.joined(separator: ", ")
                    }))
            }
            for goal in journey.plan.subGoals where goal.conflicted {
                conflicts.append(Conflict(
                    clientId: clientId, clientName: name, kind: .goal, entityId: goal.id, field: nil,
                    versions: Self.headVersions(of: goal.id, in: journey) {
                        status($0.status, as: GoalStatus.self) + ": \($0.title ?? "")" + due($0.due)
                    }))
            }
            for referral in journey.referrals where referral.conflicted {
                conflicts.append(Conflict(
                    clientId: clientId, clientName: name, kind: .referral, entityId: referral.id, field: nil,
                    versions: Self.headVersions(of: referral.id, in: journey) {
                        status($0.status, as: ReferralStatus.self) + ($0.reason.map { ": \($0)" } ?? "")
                    }))
            }
            for vacancy in journey.vacancies where vacancy.conflicted {
                conflicts.append(Conflict(
                    clientId: clientId, clientName: name, kind: .vacancy, entityId: vacancy.id, field: nil,
                    versions: Self.headVersions(of: vacancy.id, in: journey) {
                        status($0.status, as: VacancyStatus.self) + ": \($0.title ?? "") · \($0.employer ?? "")"
                            + ($0.value.map { " · \($0)" } ?? "")
                    }))
            }
            for agreement in journey.plan.agreements where agreement.conflicted {
                conflicts.append(Conflict(
                    clientId: clientId, clientName: name, kind: .agreement, entityId: agreement.id, field: nil,
                    versions: Self.headVersions(of: agreement.id, in: journey) {
                        status($0.status, as: AgreementStatus.self) + ": \($0.text ?? "")" + due($0.due)
                    }))
            }
        }
        return conflicts
    }

    /// The competing versions of a revised entity: the heads of its revision graph, read from the journey's
    /// timeline (which holds every revision the projection applied), in display order.
    private static func headVersions(
        of entityId: String, in journey: ClientJourney, summary: (TimelineEntry) -> String
    ) -> [Conflict.Version] {
        let revisions = journey.timeline.filter { $0.entityId == entityId }
        let heads = Set(RevisionMerge.heads(of: revisions.map {
            Revision(id: $0.changeId, hlc: $0.hlc, supersedes: $0.supersedes ?? [])
        }).map(\.id))
        return revisions.filter { heads.contains($0.changeId) }.map {
            .init(changeId: $0.changeId, at: $0.at, by: $0.by, summary: summary($0))
        }
    }

    /// Removes refused writes from the rejected list once the professional has seen them; `nil` removes all.
    /// Returns how many were removed.
    ///
    /// - Parameter changeIds: Change ids of refused writes (``RejectedChange/change``'s `id`), or `nil`.
    /// - Throws: ``ReplicaError`` `unknownEntity`, removing nothing, when an id is not a refused write; when it
    ///   is the id of the note, intervention or other entity a refused write was about, the message names
    ///   the change ids to give instead.
    @discardableResult
    public func acknowledgeRejected(_ changeIds: [String]?) async throws -> Int {
        try await pool.write { db in
            if let changeIds {
                for id in changeIds where try !(Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM rejected WHERE id = ?)", arguments: [id]) ?? false)
                {
                    let writes = try String.fetchAll(
                        db, sql: "SELECT id FROM rejected WHERE entity_id = ? ORDER BY rejected_at, id", arguments: [id])
                    guard writes.isEmpty else {
                        throw ReplicaError(
                            code: ReplicaError.unknownEntity,
                            message: "\(id) is what the refused write(s) were about, not a refused write; "
                                + "acknowledge by change id: \(writes.joined(separator: " "))")
                    }
                    throw ReplicaError(code: ReplicaError.unknownEntity, message: "no refused write \(id) in this replica")
                }
                for id in changeIds {
                    try db.execute(sql: "DELETE FROM rejected WHERE id = ?", arguments: [id])
                }
                try ReplicaVault.shredUnusedClientKeys(db: db)
                return changeIds.count
            }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM rejected") ?? 0
            try db.execute(sql: "DELETE FROM rejected")
            try ReplicaVault.shredUnusedClientKeys(db: db)
            return count
        }
    }
}
