import ChangeLog
import Foundation
import SyncProtocol

/// Finds the client a professional means by what they type: a name, part of one, or an id (or its first
/// characters). A pure rule over the replica's clients, so the CLI can say `--client "Jaap de Vries"` or
/// `--client jaap` instead of a UUID; the same rule finds teams and professionals for `admin`.
///
/// Case and diacritics do not matter ("zoe" finds "Zoë", unless there is a "Zoe" too); several clients that
/// fit equally well are an ambiguity, listed so the professional can choose; nothing is guessed. The rules
/// are on ``find(_:among:kind:listedBy:)``.
public enum ClientLookup {
    /// A client the text might mean.
    public struct Candidate: Hashable, Sendable {
        /// The client's id.
        public let id: String
        /// The name, when the registration has arrived.
        public let name: String?

        /// Creates a candidate.
        public init(id: String, name: String?) {
            self.id = id
            self.name = name
        }
    }

    /// What a lookup found: the candidate, whether it was named by its full id, and the others that fit
    /// less well (a name that is the start of theirs too), for the caller to mention.
    public struct Found: Hashable, Sendable {
        /// The candidate meant.
        public let candidate: Candidate
        /// Whether the text was the candidate's full id (nothing to confirm).
        public let byFullId: Bool
        /// Whether the text was the full id or the whole name (case and diacritics aside), not just a start:
        /// what an action that cannot be undone asks for.
        public let isExact: Bool
        /// Other candidates the text fits by a weaker rule (at most ten), by name.
        public let alsoFitting: [Candidate]
    }

    /// The id of the one client `text` names among `clients`.
    ///
    /// - Throws: ``ReplicaError`` `unknownClient` when none matches (a full id that is not here included),
    ///   and `ambiguousClient` when several match equally well (the message lists them, at most ten).
    public static func resolve(_ text: String, among clients: [Candidate]) throws -> String {
        try find(text, among: clients).candidate.id
    }

    /// The client `text` names among `clients` (see ``resolve(_:among:)``), with what else fits.
    public static func find(_ text: String, among clients: [Candidate]) throws -> Found {
        let id = text.trimmingCharacters(in: .whitespaces).lowercased()
        if Identifier.isValid(id), !clients.contains(where: { $0.id == id }) { throw ReplicaError.unknownClient(id) }
        return try find(text, among: clients, kind: "client", listedBy: "`samenspel clients` lists your caseload")
    }

    /// The one candidate `text` names (by the same rules), for anything with a name: a client, and on the
    /// server a team or a professional. `kind` and `listedBy` word the errors.
    ///
    /// The rules, strongest first: the full id; the whole name as typed (case aside); the whole name without
    /// diacritics; the start of the id (4 characters at least); the start of the name or of any word in it
    /// (words are split at spaces, hyphens and other non-letters: "vries", "de vries" and "marie" find
    /// "Jaap de Vries" and "Anne-Marie"). The first rule that fits one candidate decides; one that fits several
    /// is an ambiguity.
    ///
    /// - Throws: ``ReplicaError`` `unknownClient` / `ambiguousClient` for clients, `notFound` / `ambiguous`
    ///   otherwise.
    public static func find(_ text: String, among candidates: [Candidate], kind: String, listedBy: String) throws -> Found {
        let typed = text.trimmingCharacters(in: .whitespaces)
        let unknown = kind == "client" ? ReplicaError.unknownClient : ErrorCode.notFound
        let ambiguous: ErrorCode = kind == "client" ? ReplicaError.ambiguousClient : ReplicaError.ambiguous
        if Identifier.isValid(typed.lowercased()), let match = candidates.first(where: { $0.id == typed.lowercased() }) {
            return Found(candidate: match, byFullId: true, isExact: true, alsoFitting: [])
        }
        let wanted = words(typed, foldingDiacritics: true)
        guard !wanted.isEmpty else {
            throw ReplicaError(code: unknown, message: "give a \(kind)'s name or id")
        }
        let asTyped = words(typed, foldingDiacritics: false)
        let rules: [(Candidate) -> Bool] = [
            { words($0.name ?? "", foldingDiacritics: false) == asTyped },
            { words($0.name ?? "", foldingDiacritics: true) == wanted },
            { typed.count >= 4 && $0.id.hasPrefix(typed.lowercased()) },
            { startsAWord(wanted, of: words($0.name ?? "", foldingDiacritics: true)) },
        ]
        for (index, rule) in rules.enumerated() {
            let matches = candidates.filter(rule).sorted(by: byName)
            if matches.count == 1 {
                let others = rules[(index + 1)...].flatMap { weaker in candidates.filter(weaker) }
                var seen: Set<String> = [matches[0].id]
                let alsoFitting = others.filter { seen.insert($0.id).inserted }.sorted(by: byName)
                return Found(
                    candidate: matches[0], byFullId: false, isExact: index <= 1, alsoFitting: Array(alsoFitting.prefix(10)))
            }
            if matches.count > 1 {
                let listed = matches.prefix(10).map { "\n  \($0.name ?? "(no name yet)")  \($0.id)" }.joined()
                throw ReplicaError(
                    code: ambiguous,
                    message: "'\(typed)' fits \(matches.count) \(kind)s; give more of the name, or the id:\(listed)"
                        + (matches.count > 10 ? "\n  …" : ""))
            }
        }
        throw ReplicaError(
            code: unknown, message: "no \(kind)'s name (or a word in it) starts with '\(typed)' (\(listedBy))")
    }

    /// The words of a name, lower case, split at anything but letters and digits; without diacritics when
    /// asked.
    static func words(_ text: String, foldingDiacritics: Bool) -> [String] {
        let folded = foldingDiacritics
            ? text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil) : text.lowercased()
        return folded.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
    }

    /// Whether `wanted` (words) starts at some word of `name`: the last wanted word may be the start of a
    /// word, the ones before must be whole words.
    static func startsAWord(_ wanted: [String], of name: [String]) -> Bool {
        guard !wanted.isEmpty, wanted.count <= name.count else { return false }
        return (0...(name.count - wanted.count)).contains { start in
            zip(wanted.dropLast(), name[start...]).allSatisfy { $0 == $1 } && name[start + wanted.count - 1].hasPrefix(wanted.last!)
        }
    }

    private static func byName(_ a: Candidate, _ b: Candidate) -> Bool {
        (a.name ?? "", a.id) < (b.name ?? "", b.id)
    }
}

extension Replica {
    /// The client `text` names: a name, the start of one, or an id (see ``ClientLookup``).
    public func findClient(_ text: String) async throws -> ClientLookup.Found {
        try ClientLookup.find(text, among: try await clients().map { ClientLookup.Candidate(id: $0.id, name: $0.name) })
    }
}
