/// One revision of an editable entity: a change that names the revisions it supersedes.
public struct Revision: Hashable, Sendable {
    /// The change id of this revision.
    public let id: String
    /// The timestamp of this revision.
    public let hlc: HLCTimestamp
    /// The revisions this one replaces: the current revisions its author saw when editing.
    public let supersedes: [String]

    /// Creates a revision.
    public init(id: String, hlc: HLCTimestamp, supersedes: [String]) {
        self.id = id
        self.hlc = hlc
        self.supersedes = supersedes
    }
}

/// The merge rule for editable entities (notes, interventions): keep every revision, show one.
///
/// Revisions form a graph: each names the revisions it supersedes. The **heads** are the revisions that no
/// other revision in the set supersedes. One head means a linear history. Several heads mean concurrent
/// edits (two devices edited the same version while offline): the entity is *conflicted*, every head stays
/// readable, and the **current** revision shown is the head that sorts last by `(hlc, id)`. An edit that
/// supersedes all heads resolves the conflict. The result depends only on the set of revisions, never on
/// the order they arrived in; ids in `supersedes` that are not in the set are ignored.
public enum RevisionMerge {
    /// The heads of a set of revisions, in display order `(hlc, id)`.
    public static func heads(of revisions: [Revision]) -> [Revision] {
        let superseded = Set(revisions.flatMap(\.supersedes))
        return revisions
            .filter { !superseded.contains($0.id) }
            .sorted(by: precedes)
    }

    /// The revision shown as current: the last head in display order, or `nil` for an empty set.
    ///
    /// A set without heads (only possible with a supersedes cycle, which servers refuse) falls back to the
    /// last revision in display order, so a current revision always exists.
    public static func current(of revisions: [Revision]) -> Revision? {
        heads(of: revisions).last ?? revisions.max(by: precedes)
    }

    /// Display order of revisions: by timestamp, then by id.
    public static func precedes(_ lhs: Revision, _ rhs: Revision) -> Bool {
        if lhs.hlc != rhs.hlc { return lhs.hlc < rhs.hlc }
        return lhs.id.utf8.lexicographicallyPrecedes(rhs.id.utf8)
    }
}
