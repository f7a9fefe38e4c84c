import ChangeLog
import Foundation

/// Finds the client a professional means by what they type: a name, part of one, or an id (or its first
/// characters). A pure rule over the replica's clients, so the CLI can say `--client "Jaap de Vries"` or
/// `--client jaap` instead of a UUID; the same rule finds teams and professionals for `admin`.
///
/// In order: a full id; the whole name; the start of the id (at least 4 characters); the start of the name
/// or of one of its words. Case and diacritics do not matter ("zoe" finds "Zoë"). Several clients that match
/// equally well are an ambiguity, listed so the professional can choose; nothing is guessed.
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

    /// The id of the one client `text` names among `clients`.
    ///
    /// - Throws: ``ReplicaError`` `unknownClient` when none matches (a full id that is not here included),
    ///   and `ambiguousClient` when several match equally well (the message lists them, at most ten).
    public static func resolve(_ text: String, among clients: [Candidate]) throws -> String {
        if Identifier.isValid(text.trimmingCharacters(in: .whitespaces).lowercased()) {
            let id = text.trimmingCharacters(in: .whitespaces).lowercased()
            guard clients.contains(where: { $0.id == id }) else { throw ReplicaError.unknownClient(id) }
            return id
        }
        return try resolve(text, among: clients, kind: "client", listedBy: "`samenspel clients` lists your caseload")
    }

    /// The id of the one candidate `text` names (by the same rules), for anything with a name: a client,
    /// and on the server a team or a professional. `kind` and `listedBy` word the errors.
    ///
    /// - Throws: ``ReplicaError`` `unknownClient` / `ambiguousClient` for clients, `notFound` / `ambiguous`
    ///   otherwise.
    public static func resolve(_ text: String, among candidates: [Candidate], kind: String, listedBy: String) throws -> String {
        let typed = text.trimmingCharacters(in: .whitespaces)
        let clients = candidates
        let unknown = kind == "client" ? ReplicaError.unknownClient : "notFound"
        let ambiguous = kind == "client" ? ReplicaError.ambiguousClient : "ambiguous"
        if Identifier.isValid(typed.lowercased()), let match = clients.first(where: { $0.id == typed.lowercased() }) {
            return match.id
        }
        let wanted = fold(typed)
        guard !wanted.isEmpty else {
            throw ReplicaError(code: unknown, message: "give a \(kind)'s name or id")
        }
        let rules: [(Candidate) -> Bool] = [
            { fold($0.name ?? "") == wanted },
            { wanted.count >= 4 && $0.id.hasPrefix(wanted) },
            { candidate in
                let name = fold(candidate.name ?? "")
                return name.hasPrefix(wanted) || name.split(separator: " ").contains { $0.hasPrefix(wanted) }
            },
        ]
        for rule in rules {
            let matches = clients.filter(rule)
            if matches.count == 1 { return matches[0].id }
            if matches.count > 1 {
                let listed = matches.prefix(10).map { "\($0.name ?? "(no name yet)") \($0.id)" }
                throw ReplicaError(
                    code: ambiguous,
                    message: "'\(typed)' matches \(matches.count) \(kind)s: \(listed.joined(separator: "; "))"
                        + "\(matches.count > 10 ? "; …" : ""); give more of the name, or the id")
            }
        }
        throw ReplicaError(code: unknown, message: "no \(kind) is called '\(typed)' (\(listedBy))")
    }

    /// Lower case, without diacritics, single spaces.
    static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension Replica {
    /// The id of the client `text` names: a name, part of one, or an id (see ``ClientLookup``).
    public func resolveClient(_ text: String) async throws -> String {
        try ClientLookup.resolve(text, among: try await clients().map { ClientLookup.Candidate(id: $0.id, name: $0.name) })
    }
}
