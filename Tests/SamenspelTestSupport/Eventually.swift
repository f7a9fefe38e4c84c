import Testing

/// Waits until `condition` holds, checking every 50 ms, for at most `seconds` (work that runs in a task of
/// its own, such as a background sync); records an issue when it never does.
public func eventually(
    within seconds: Int = 10, _ condition: @Sendable () async throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    for _ in 0..<(seconds * 20) {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("condition not met within \(seconds) s", sourceLocation: sourceLocation)
}
