import Foundation
import Hummingbird

/// The fields of a submitted form (`application/x-www-form-urlencoded`), after its anti-forgery token was
/// checked: every POST handler reads its form through ``read(_:context:token:)``, so none can skip the check.
struct FormData: Sendable {
    private(set) var fields: [String: [String]] = [:]

    /// The most bytes a form may have (a long note is a few kilobytes).
    static let maxBytes = 256 * 1024

    /// Parses `a=1&b=x+y&b=%C3%A9`; `+` is a space.
    init(encoded: String) {
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), !name.isEmpty else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
            fields[name, default: []].append(value)
        }
    }

    /// The fields of a GET form, from the request's query (`?q=de+vries`): `+` is a space there too, which
    /// the router's query parameters leave as a plus.
    static func query(of request: Request) -> FormData {
        FormData(encoded: request.uri.query ?? "")
    }

    /// The first value of a field, trimmed; `nil` when absent or blank.
    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    /// Every non-blank value of a repeated field (checkboxes).
    func all(_ name: String) -> [String] {
        (fields[name] ?? []).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Reads and checks a form: the body must be a URL-encoded form no larger than ``maxBytes`` and carry
    /// `token` in its `csrf` field; otherwise ``AppError/badForm`` and nothing happens.
    static func read(_ request: Request, context: some RequestContext, token: String) async throws -> FormData {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true else {
            throw AppError.badForm
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: maxBytes)
        } catch {
            throw AppError.badForm
        }
        let form = FormData(encoded: String(buffer: buffer))
        guard let sent = form.fields["csrf"]?.first, constantTimeEqual(sent, token) else { throw AppError.badForm }
        return form
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// Compares two secrets in time that depends on their length only, not on where they differ.
func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    let left = Array(lhs.utf8)
    let right = Array(rhs.utf8)
    guard left.count == right.count else { return false }
    var difference: UInt8 = 0
    for index in left.indices { difference |= left[index] ^ right[index] }
    return difference == 0
}
